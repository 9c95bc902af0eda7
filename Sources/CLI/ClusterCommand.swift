import ArgumentParser

/// `trainplan cluster …`: manage saved clusters (nodes of one GPU type and their links).
struct ClusterCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cluster",
    abstract: "Save, list, show, change, remove and restore clusters (GPU nodes and their links).",
    discussion: """
      A cluster names a saved GPU and gives the links between GPUs: inside a node (NVLink, \
      NVSwitch) and between nodes (InfiniBand, RoCE). Bandwidths are per GPU and per direction, \
      typed with their unit (300GB/s, 200Gb/s, 25GiB/s: B = bytes, b = bits); latencies too \
      (10us, 0.02ms). A cluster plans with its GPU as saved now.
      """,
    subcommands: [
      ClusterAdd.self, ClusterList.self, ClusterShow.self, ClusterSet.self, ClusterRemove.self,
      ClusterRestore.self,
    ]
  )
}

/// The figure flags `cluster add` and `cluster set` share.
struct ClusterFigureHelp {
  static let gpusPerNode =
    "GPUs per node: the GPUs joined by the intra-node links (a GB200 NVL72 rack is one 72-GPU node)."
  static let intra =
    "Bandwidth between GPUs of one node, per GPU per direction: 300GB/s, 2400Gb/s, 450GB/s."
  static let inter =
    "Bandwidth between nodes, per GPU per direction: 25GB/s, 200Gb/s (8 x 200 Gb/s HCAs for 8 GPUs)."
  static let intraLatency = "Latency of a message inside a node: 10us, 0.01ms, 10000ns."
  static let interLatency = "Latency of a message between nodes: 20us, 0.02ms."
}
