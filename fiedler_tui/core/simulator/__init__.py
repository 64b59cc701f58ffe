"""A loopback provider simulator speaking the OpenAI, Anthropic and Gemini wire formats.

It ships in the package for tests, ``fiedler --demo`` and the benchmarks; the core talks to it
through an ordinary models.yaml, so nothing else knows it is a simulation.
"""

from __future__ import annotations

from fiedler_tui.core.simulator.demo import DemoEnvironment, demo_models
from fiedler_tui.core.simulator.models_yaml import (
    SimulatedModel,
    config_text,
    scripts_for,
    simulated_config,
)
from fiedler_tui.core.simulator.recording import RecordedRequest
from fiedler_tui.core.simulator.script import Fault, FaultKind, ModelScript
from fiedler_tui.core.simulator.server import Simulator, simulator_base_url

__all__ = [
    "DemoEnvironment",
    "Fault",
    "FaultKind",
    "ModelScript",
    "RecordedRequest",
    "SimulatedModel",
    "Simulator",
    "config_text",
    "demo_models",
    "scripts_for",
    "simulated_config",
    "simulator_base_url",
]
