"""Test stand-in for snakemake-interface-common: only what the plugin imports."""
