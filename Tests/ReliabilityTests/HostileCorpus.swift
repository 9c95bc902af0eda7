/// One generated command line: `trainplan --db DB` followed by `args`, or, when `script` is
/// set, a `/bin/sh` script run as `sh -c SCRIPT TRAINPLAN DB` (argv bytes that are not UTF-8
/// cannot be passed as Swift strings, but the shell's printf can make them).
struct Invocation: Sendable, CustomStringConvertible {
  var args: [String] = []
  var script: String? = nil

  var description: String {
    let text = script ?? args.map { $0.debugDescription }.joined(separator: " ")
    return text.count > 200 ? String(text.prefix(200)) + "…" : text
  }
}

/// The hostile command lines: every numeric flag of every command with broken numbers, the
/// memory flags with broken units, every name position with broken names, argv that is not
/// UTF-8, and `model import` of broken config.json files (`HostileConfigs`).
enum HostileCorpus {
  /// Negative, zero, huge, NaN, infinite and non-numeric values, and near misses of the
  /// accepted spellings.
  static let numbers = [
    "-1", "0", "1e300", "9223372036854775808", "nan", "inf", "-inf", "abc", "", "1.5", "1e-300",
    "2T", "\u{0661}",
  ]

  static let sizes = [
    "80XB", "GiB", "-1GB", "80 GiB", "1e300GiB", "0.1B", "8EiB", "nanGB", "infGiB", "80GiBGiB",
    "80,5GB", "1e-9GB",
  ]

  /// Broken `start:end:step` lists (the one that overflows is a known issue, tested apart).
  static let ranges = [
    "3:1", "1:10:0", "1:10:-1", "1:1e300", "1:2000000", ",", "1,,2", ":", "1:2:3:4", "0:0",
    "-5:-1", "1:9223372036854775807:9223372036854775807", "2,1:3,nan",
  ]

  static let names = [
    "", String(repeating: "n", count: 10_000), "a\nb", "tab\there", "\u{1B}[31mred\u{1B}[0m",
    "\u{7F}", "ünïcødé", "👍🏽", "\u{202E}evil", "名前", "'); DROP TABLE plans;--", "x' OR '1'='1",
    " lead", "a,b", "-x",
  ]

  static let setupFlags = [
    "--batch-size", "--num-gpus", "--zero", "--global-batch-size", "--steps", "--tokens", "--mfu",
    "--reserve", "--seq-len", "--tensor-parallel", "--pipeline-parallel", "--context-parallel",
    "--virtual-stages", "--lora-rank", "--expert-parallel", "--capacity-factor",
  ]

  /// Each command with valid values for its required flags, and its numeric flags.
  static func numericCommands(config: String) -> [(base: [String], flags: [String])] {
    [
      (
        [
          "model", "add", "m", "--replace", "--vocab-size", "50257", "--context-length", "1024",
          "--layers", "12", "--d-model", "768", "--heads", "12",
        ],
        [
          "--vocab-size", "--context-length", "--layers", "--d-model", "--heads", "--d-ff",
          "--kv-heads", "--experts", "--head-dim",
        ]
      ),
      (
        [
          "model", "add", "moe", "--replace", "--vocab-size", "1000", "--context-length", "128",
          "--layers", "4", "--d-model", "64", "--heads", "4", "--experts", "8", "--top-k", "2",
          "--expert-ffn", "32", "--kv-lora-rank", "16", "--qk-nope-head-dim", "8",
          "--qk-rope-head-dim", "8", "--v-head-dim", "8",
        ],
        [
          "--experts", "--top-k", "--shared-experts", "--expert-ffn", "--first-dense-layers",
          "--moe-every", "--kv-lora-rank", "--qk-nope-head-dim", "--qk-rope-head-dim",
          "--v-head-dim", "--q-lora-rank",
        ]
      ),
      (
        ["gpu", "add", "g", "--replace", "--memory", "80GiB", "--fp32-tflops", "19.5"],
        [
          "--memory", "--fp32-tflops", "--tf32-tflops", "--bf16-tflops", "--fp16-tflops",
          "--fp8-tflops", "--price-per-hour", "--power-watts", "--reserve",
        ]
      ),
      (["plan", "seed-gpt2-small", "a100-80gb"], setupFlags),
      (["fit", "--models", "seed-gpt2-small", "--gpus", "a100-80gb"], setupFlags),
      (
        ["sweep", "--layers", "2", "--d-model", "128", "--gpus", "a100-80gb"],
        [
          "--layers", "--d-model", "--heads-dim", "--vocab-size", "--context-length",
          "--ffn-multiplier", "--batch-sizes", "--num-gpus", "--zero", "--chunk-size",
          "--global-batch-size", "--steps", "--tokens", "--mfu", "--reserve",
        ]
      ),
      (["plans"], ["--limit", "--sweep"]),
      (["export", "--format", "csv"], ["--sweep"]),
      (["model", "import", config, "--name", "imported", "--replace"], ["--context-length"]),
    ]
  }

  /// `base` with `flag` set to `value`: replaced where `base` has it, else appended.
  static func with(_ base: [String], _ flag: String, _ value: String) -> [String] {
    guard let i = base.firstIndex(of: flag) else { return base + [flag, value] }
    var args = base
    args[i + 1] = value
    return args
  }

  static func numeric(config: String) -> [Invocation] {
    numericCommands(config: config).flatMap { command in
      command.flags.flatMap { flag in
        numbers.map { Invocation(args: with(command.base, flag, $0)) }
      }
    }
  }

  static func units() -> [Invocation] {
    let gpu = ["gpu", "add", "g", "--replace", "--memory", "80GiB", "--fp32-tflops", "19.5"]
    let memoryFlags = [
      (gpu, "--memory"), (gpu, "--reserve"),
      (["plan", "seed-gpt2-small", "a100-80gb"], "--reserve"),
    ]
    return memoryFlags.flatMap { base, flag in sizes.map { Invocation(args: with(base, flag, $0)) }
    }
  }

  static func lists() -> [Invocation] {
    let base = ["sweep", "--layers", "2", "--d-model", "128", "--gpus", "a100-80gb"]
    let flags = ["--layers", "--batch-sizes", "--zero"]
    let enums = ["--precisions", "--attention", "--checkpointing"]
    let words = ["fp8", "flash,,naive", "", "naive\nflash", "💥"]
    return flags.flatMap { f in ranges.map { Invocation(args: with(base, f, $0)) } }
      + enums.flatMap { f in words.map { Invocation(args: with(base, f, $0)) } }
  }

  /// Every position that takes a record name.
  static func nameCommands(_ n: String, config: String) -> [[String]] {
    [
      [
        "model", "add", n, "--vocab-size", "100", "--context-length", "64", "--layers", "1",
        "--d-model", "64", "--heads", "1",
      ],
      ["gpu", "add", n, "--memory", "1GiB", "--fp32-tflops", "1"],
      ["model", "show", n], ["plan", n, "a100-80gb", "--no-save"],
      ["plan", "seed-gpt2-small", n, "--no-save"], ["plans", "--model", n], ["export", "--gpu", n],
      ["fit", "--models", n], ["sweep", "--gpus", n, "--models", "seed-gpt2-small"],
      ["model", "import", config, "--name", n], ["plans", "--since", n], ["gpu", "remove", n],
    ]
  }

  static func named(config: String) -> [Invocation] {
    names.flatMap { n in nameCommands(n, config: config).map { Invocation(args: $0) } }
  }

  /// Argv bytes that are not UTF-8: an invalid byte, a lone lead byte, an overlong NUL and an
  /// encoded surrogate, in a name, a number and a unit.
  static func notUTF8() -> [Invocation] {
    let run = #"exec "$0" --db "$1" "#
    return [
      #"model add "$(printf 'bad\377name')" --vocab-size 100 --context-length 64 --layers 1 --d-model 64 --heads 1"#,
      #"gpu add "$(printf '\303')" --memory 1GiB --fp32-tflops 1"#,
      #"plan "$(printf '\300\200')" a100-80gb --no-save"#,
      #"plans --gpu "$(printf '\355\240\200')""#,
      #"gpu add g --memory "$(printf '80\377GiB')" --fp32-tflops 1"#,
      #"plan seed-gpt2-small a100-80gb --mfu "$(printf '0.\3775')""#,
      #"plan seed-gpt2-small a100-80gb --batch-size "$(printf '\377')""#,
      #"sweep --layers "$(printf '1:\3772')" --d-model 128 --gpus a100-80gb"#,
    ].map { Invocation(script: run + $0) }
  }

  /// The whole corpus; `config` is a valid config.json, `broken` the generated broken ones.
  static func all(config: String, broken: [String]) -> [Invocation] {
    numeric(config: config) + units() + lists() + named(config: config) + notUTF8()
      + broken.map { Invocation(args: ["model", "import", $0, "--replace"]) }
  }
}
