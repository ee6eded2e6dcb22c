"""Estimates from the registry's numbers that need no Django: multiple systems estimation
(`mse`) and the simulations that test it (`simulate`)."""
