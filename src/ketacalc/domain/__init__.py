"""The answers: pricing, eligibility, comparison, curves and batch. Pure and typed: no printing, no exit."""
