"""HTTP plumbing shared by every handler module: typed app keys, JSON errors, health."""
