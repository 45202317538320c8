from gaemi.results.simulation import SCHEMA_VERSION, SimulationResult

__all__ = ["SimulationResult", "SCHEMA_VERSION"]
