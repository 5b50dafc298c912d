"""What the notebook reads and sends back: the manifest, the callback's tokens and payload, completion, lineage."""
