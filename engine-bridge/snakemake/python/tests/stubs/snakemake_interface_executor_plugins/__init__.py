"""Test stand-in for snakemake-interface-executor-plugins 9.x: only what the plugin uses (see its executors/remote.py)."""
