"""The batch build, top to bottom, and publishing: staging, swap, build lock."""
