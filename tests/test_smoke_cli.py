from __future__ import annotations

from conftest import REQUIRED_IDS


def test_providers_json_lists_every_required_provider(cli):
    result = cli("providers", "--format", "json")
    assert result.exit_code == 0, result.stderr
    ids = {row["id"] for row in result.json()}
    assert REQUIRED_IDS <= ids


def test_unknown_provider_is_one_line_with_a_suggestion(cli):
    result = cli("show", "mindblom")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: unknown provider 'mindblom' — did you mean mindbloom?"
    ]
    assert result.stdout == ""
