import FlowCLI

@main extension FlowCommand {}
