"""Mutation testing for chosen modules: see `python -m tools.mutation --help`."""
