"""One module per platform. Adapters only translate between a platform and core events."""
