import CLI

Trainplan.runAsTool()
