from pathlib import Path

from orchestration.lib.gates import GE_CHECK, PANDERA_CHECK, gates_for
from orchestration.lib.source_specs import SourceSpec


def spec(name: str) -> SourceSpec:
    return SourceSpec(name, name, 30, {}, Path("x.yml"))


def test_a_data_set_with_a_gate_module_gets_both_blocking_checks():
    gates = gates_for(spec("screenings"))
    assert gates.check_names == (GE_CHECK, PANDERA_CHECK)
    assert all(check.blocking for check in gates.check_specs())


def test_a_data_set_without_a_gate_module_has_no_gates():
    assert gates_for(spec("no_such_data_set")) is None
