"""Read and check content/: find files, check shape and sense, map to the model."""
