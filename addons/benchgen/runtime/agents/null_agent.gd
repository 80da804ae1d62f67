extends BenchgenAgentPolicy
## The null agent: does nothing, so the scenario must not solve itself.
