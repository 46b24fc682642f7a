"""The distribution is `tessera-auth` (the name `tessera` on PyPI is another project's); its command is `tessera`."""

from importlib.metadata import distribution

import pytest

from entrypoints.cli.main import main

pytestmark = pytest.mark.app


def test_the_distribution_tessera_auth_installs_the_tessera_command() -> None:
    (script,) = [point for point in distribution("tessera-auth").entry_points if point.group == "console_scripts"]
    assert (script.name, script.value) == ("tessera", "entrypoints.cli.main:main")


def test_tessera_version_prints_the_installed_distribution_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out == f"tessera {distribution('tessera-auth').version}\n"
