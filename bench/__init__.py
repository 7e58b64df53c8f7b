"""Load harness and benchmarks: ours against the bare socket.io floor, naive NiceGUI and Synapse."""
