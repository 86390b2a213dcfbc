"""Defaults a person sets once: KETACALC_STATE, KETACALC_INSURER, KETACALC_CLIENT and
``config.toml``, with ``ketacalc config show|set|unset``. Option > environment > file."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import PRIVATE_HOME, REPO, assert_one_error_line
from ketacalc.errors import shown_path
from ketacalc.io.settings import HEADER, KEYS, config_text


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    folder = tmp_path / "ketacalc-config"
    monkeypatch.setenv("KETACALC_CONFIG_DIR", str(folder))
    return folder


def notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("note: ")]


def test_the_environment_supplies_a_state_not_given_and_says_so(cli):
    given = cli("compare", "--state", "TX", "-n", "6", "--format", "json")
    from_env = cli("compare", "-n", "6", "--format", "json", env={"KETACALC_STATE": "texas"})
    assert from_env.exit_code == 0, from_env.stderr
    assert from_env.json() == given.json()
    assert "note: state TX from KETACALC_STATE" in notes(from_env.stderr)
    assert not [n for n in notes(given.stderr) if "KETACALC" in n]  # an option needs no note


def test_a_state_is_required_no_more_when_a_default_gives_it(cli):
    for args in (["eligibility"], ["report", "-n", "6"]):
        result = cli(*args, env={"KETACALC_STATE": "CA"})
        assert result.exit_code == 0, result.stderr
        assert "note: state CA from KETACALC_STATE" in result.stderr
    line = assert_one_error_line(cli("eligibility"), 2)
    assert (
        "Missing option '--state'" in line
        and "KETACALC_STATE" in line
        and "ketacalc config set state" in line
    )


def test_client_and_insurer_from_the_environment(cli):
    returning = cli("cost", "alder", "-n", "6", "--format", "json", env={"KETACALC_CLIENT": "Returning"})
    assert returning.exit_code == 0, returning.stderr
    assert returning.json()["client"] == "returning"
    assert returning.json() == cli("cost", "alder", "-n", "6", "--returning", "--format", "json").json()
    assert "note: returning client from KETACALC_CLIENT" in returning.stderr
    new = cli("cost", "alder", "-n", "6", "--new", "--format", "json", env={"KETACALC_CLIENT": "returning"})
    assert new.json()["client"] == "new" and "KETACALC_CLIENT" not in new.stderr  # the option wins
    insured = cli("compare", "-s", "TX", "--format", "json", env={"KETACALC_INSURER": "aetna"})
    assert insured.exit_code == 0, insured.stderr
    assert insured.json() == cli("compare", "-s", "TX", "--insurer", "aetna", "--format", "json").json()
    assert "note: insurer aetna from KETACALC_INSURER" in insured.stderr


def test_an_insurer_default_waits_for_a_state_and_says_so(cli):
    result = cli("cost", "alder", "-n", "6", env={"KETACALC_INSURER": "Aetna"})
    assert result.exit_code == 0, result.stderr  # not "--insurer needs --state"
    # never dropped in silence: the prices are self-pay, and the person set an insurer
    assert (
        "note: insurer Aetna from KETACALC_INSURER not applied: insurance is by state (give --state); "
        "self-pay prices are shown"
    ) in " ".join(notes(result.stderr))
    assert (
        "not applied"
        not in cli("cost", "alder", "-n", "6", "-s", "TX", env={"KETACALC_INSURER": "Aetna"}).stderr
    )


def test_config_set_show_unset_and_the_file_applies(cli, config_dir, tmp_path):
    assert cli("config", "set", "state", "texas").exit_code == 0
    assert cli("config", "set", "client", "returning").exit_code == 0
    odd = 'Blue "Cross" \\ Ünïon'
    # an insurer must be one the data lists: a copy of the fixture that lists this odd name
    fixture = (REPO / "tests" / "data" / "fixture" / "providers.yaml").read_text(encoding="utf-8")
    listed = tmp_path / "providers.yaml"
    listed.write_text(fixture.replace("CA: [Aetna]", f"CA: [Aetna, '{odd}']", 1), encoding="utf-8")
    assert cli("--data", str(listed), "config", "set", "insurer", odd).exit_code == 0
    path = config_dir / "config.toml"
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {
        "state": "TX",
        "client": "returning",
        "insurer": odd,
    }
    shown = cli("config", "show")
    assert shown.exit_code == 0, shown.stderr
    assert tomllib.loads(shown.stdout) == {"state": "TX", "client": "returning", "insurer": odd}
    assert str(path) in shown.stdout and "# from config file" in shown.stdout
    assert cli("config", "unset", "insurer").exit_code == 0
    result = cli("compare", "-n", "6", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json() == cli("compare", "-s", "TX", "-n", "6", "--returning", "--format", "json").json()
    assert f"note: state TX from the config file {path}" in result.stderr
    assert f"note: returning client from the config file {path}" in result.stderr


def test_option_beats_environment_beats_file(cli, config_dir):
    cli("config", "set", "state", "CA")
    by_env = cli("eligibility", "--format", "json", env={"KETACALC_STATE": "NY"})
    assert "note: state NY from KETACALC_STATE" in by_env.stderr
    assert by_env.json() == cli("eligibility", "-s", "NY", "--format", "json").json()
    by_option = cli("eligibility", "-s", "TX", "--format", "json", env={"KETACALC_STATE": "NY"})
    assert by_option.json() == cli("eligibility", "-s", "TX", "--format", "json").json()
    assert notes(by_option.stderr) == []
    shown = cli("config", "show", env={"KETACALC_STATE": "NY"}).stdout
    assert 'state = "NY"  # from KETACALC_STATE' in shown


@pytest.mark.parametrize(
    ("text", "what"),
    [('state = "TX', "is not valid TOML"), ('sate = "TX"\n', "unknown key 'sate'"),
     ("state = 48\n", "not text in quotes")],
)  # fmt: skip
def test_a_broken_config_file_is_one_error_naming_the_file_and_the_fix(cli, config_dir, text, what):
    config_dir.mkdir()
    (config_dir / "config.toml").write_text(text, encoding="utf-8")
    line = assert_one_error_line(cli("compare", "-n", "6"), 1)
    assert shown_path(str(config_dir / "config.toml")) in line and what in line
    assert "delete it and run 'ketacalc config set KEY VALUE' again" in line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('state = "Texass"\n', "state 'Texass' from the config file {path} is not a US state"),
        ('client = "old"\n', "client 'old' from the config file {path} is not new or returning"),
    ],
)
def test_a_bad_value_in_the_config_file_is_a_usage_error_naming_it_and_its_fix(
    cli, config_dir, text, message
):
    """A state or a client set once is checked alike, where it is used: exit 2 (as the option
    would be), naming the file and the two fixes (the client was exit 1, worded apart)."""
    config_dir.mkdir()
    path = config_dir / "config.toml"
    path.write_text(text, encoding="utf-8")
    key = text.split()[0]
    line = assert_one_error_line(cli("compare", "-s", "TX") if key == "client" else cli("compare"), 2)
    assert line == (
        "Error: "
        + message.format(path=shown_path(str(path)))
        + f" — run 'ketacalc config set {key} VALUE' or 'ketacalc config unset {key}'"
    )


def test_an_unknown_insurer_set_once_is_named_where_it_was_set_not_as_an_option(cli, config_dir):
    """The person typed no --insurer: the error names the config file and how to change it."""
    config_dir.mkdir()
    path = config_dir / "config.toml"
    path.write_text('state = "TX"\ninsurer = "Bogus"\n', encoding="utf-8")
    result = cli("compare")
    assert result.exit_code == 2 and result.stdout == ""
    *said, line = result.stderr.splitlines()
    assert said == [
        f"note: state TX from the config file {path}",
        f"note: insurer Bogus from the config file {path}",
    ]
    assert line.startswith(
        f"Error: insurer 'Bogus' is not a known insurer, from the config file {shown_path(str(path))} — "
        "insurers accepted in TX: "
    )
    assert line.endswith("; or run 'ketacalc config set insurer VALUE' or 'ketacalc config unset insurer'")
    assert "--insurer" not in line
    typed = assert_one_error_line(cli("compare", "-s", "TX", "--insurer", "Bogus"), 2)
    assert typed.startswith("Error: --insurer 'Bogus' is not a known insurer — insurers accepted in TX: ")


def test_the_note_on_a_default_insurer_is_escaped_and_cut(cli):
    result = cli("compare", "-s", "TX", env={"KETACALC_INSURER": "Aetna\r\u202eevil\x07" + "Z" * 300})
    note = result.stderr.splitlines()[0]
    assert note.startswith("note: insurer Aetna\\r\\u202eevil\\x07ZZ") and note.endswith(
        "… from KETACALC_INSURER"
    )
    assert "Z" * 61 not in note and not any(c in note for c in "\r\u202e\x07")


def test_config_errors_quote_at_most_60_characters_of_what_was_given(cli, config_dir):
    long = "Z" * 300
    lines = [assert_one_error_line(cli("config", "set", long, "TX"), 2)]
    lines.append(assert_one_error_line(cli("compare", env={"KETACALC_STATE": long}), 2))
    lines.append(assert_one_error_line(cli("compare", "-s", "TX", env={"KETACALC_CLIENT": long}), 2))
    config_dir.mkdir()
    for text, code in ((f'state = "{long}"\n', 2), (f'{long} = "TX"\n', 1), (f"state = {'9' * 300}\n", 1)):
        (config_dir / "config.toml").write_text(text, encoding="utf-8")
        lines.append(assert_one_error_line(cli("compare"), code))
    for line in lines:
        assert "Z" * 61 not in line and "9" * 61 not in line, line
        assert "(300 characters)" in line, line


def test_a_bad_default_names_where_it_came_from(cli):
    line = assert_one_error_line(cli("compare", env={"KETACALC_STATE": "Texass"}), 2)
    assert line == "Error: state 'Texass' from KETACALC_STATE is not a US state — fix or unset KETACALC_STATE"
    line = assert_one_error_line(cli("compare", "-s", "TX", env={"KETACALC_CLIENT": "old"}), 2)
    assert "KETACALC_CLIENT" in line


@pytest.mark.parametrize(
    ("args", "what"),
    [(["config", "set", "state", "Texass"], "is not a US state"), (["config", "set", "colour", "red"], "no key"),
     (["config", "set", "client", "sometimes"], "new or returning"),
     (["config", "set", "insurer", "Foo"], "no provider lists the insurer 'Foo'")],
)  # fmt: skip
def test_config_set_refuses_what_it_cannot_use(cli, config_dir, args, what):
    line = assert_one_error_line(cli(*args), 2)
    assert what in line
    assert "--" not in line  # a key and a value were typed, never an option
    assert not (config_dir / "config.toml").exists()


def test_the_config_file_lives_in_the_platforms_config_folder(monkeypatch):
    from ketacalc.io.settings import config_path

    monkeypatch.delenv("KETACALC_CONFIG_DIR")
    assert (
        config_path() == PRIVATE_HOME / "xdg-config" / "ketacalc" / "config.toml"
    )  # conftest's XDG_CONFIG_HOME


def test_config_set_and_unset_keep_the_persons_comments_and_order(cli, config_dir):
    """A config file edited by hand keeps its comments, blank lines and order: only the key's
    own line changes (in place), goes (unset), or is added at the end (a key new to it)."""
    config_dir.mkdir()
    path = config_dir / "config.toml"
    path.write_text(
        "# my defaults, for my mother's searches\n\n"
        'client = "returning"  # she has had a course\n'
        "# state: she lives in Texas\n"
        '"state" = "TX"\n',
        encoding="utf-8",
    )
    assert cli("config", "set", "state", "ny").exit_code == 0
    assert path.read_text(encoding="utf-8") == (
        "# my defaults, for my mother's searches\n\n"
        'client = "returning"  # she has had a course\n'
        "# state: she lives in Texas\n"
        'state = "NY"\n'
    )
    assert cli("config", "set", "insurer", "Aetna").exit_code == 0
    assert cli("config", "unset", "client").exit_code == 0
    assert path.read_text(encoding="utf-8") == (
        "# my defaults, for my mother's searches\n\n"
        "# state: she lives in Texas\n"
        'state = "NY"\n'
        'insurer = "Aetna"\n'
    )


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(KEYS), st.text(max_size=12)),
    st.dictionaries(st.sampled_from(KEYS), st.text(max_size=12)),
    st.lists(st.sampled_from(["# a comment\n", "\n", "  # indented \u2028 comment\n", "# x = 'y'\n"])),
)
def test_a_kept_file_always_reads_back_as_exactly_the_values_set(before, after, comments):
    """Whatever the file held (keys in any order among comments), the file written for new
    values reads back, with tomllib, as exactly those values, and keeps every comment."""
    old = "".join(comments) + config_text(before)
    text = config_text(after, old)
    assert tomllib.loads(text) == after
    assert all(comment in text for comment in comments)


def test_a_changed_key_keeps_the_comment_after_its_value(cli, config_dir):
    config_dir.mkdir()
    path = config_dir / "config.toml"
    path.write_text(
        "state = \"TX\"  # where she lives\ninsurer = 'Aetna # plan' # work plan\n", encoding="utf-8"
    )
    assert cli("config", "set", "state", "ny").exit_code == 0
    assert cli("config", "set", "insurer", "Cigna").exit_code == 0
    assert (
        path.read_text(encoding="utf-8") == 'state = "NY"  # where she lives\ninsurer = "Cigna" # work plan\n'
    )


@settings(max_examples=200, deadline=None)
@example(before={"state": "'''"}, after={"state": ""}, note="")  # three quotes inside one value
@given(
    st.dictionaries(st.sampled_from(KEYS), st.text(max_size=12), min_size=1),
    st.dictionaries(st.sampled_from(KEYS), st.text(max_size=12)),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)
def test_a_comment_after_a_value_survives_any_change_and_the_file_reads_back(before, after, note):
    """Whatever the values (quotes, backslashes, '#' inside them), a comment after each key's
    value is kept when the key changes, and the file reads back as exactly the values set."""
    old = "".join(
        config_text({k: v}).removeprefix(HEADER).rstrip("\n") + f" # {note}\n" for k, v in before.items()
    )
    text = config_text(after, old)
    assert tomllib.loads(text) == after
    for key in before.keys() & after.keys():
        (line,) = [t for t in text.split("\n") if t.startswith(f"{key} =")]
        assert line.endswith(f" # {note}"), line


def test_a_file_with_a_multi_line_string_is_written_anew():
    """Lines inside a multi-line string are neither keys nor comments: such a file (valid
    TOML, written by hand) is written anew rather than edited line by line."""
    old = "# c\ninsurer = \"\"\"Aetna\"\"\"\nstate = '''\nTX'''\n"
    assert tomllib.loads(old) == {"insurer": "Aetna", "state": "TX"}
    assert config_text({"state": "NY"}, old) == config_text({"state": "NY"}) == HEADER + 'state = "NY"\n'


def test_a_crlf_file_keeps_its_line_ends_when_a_key_changes(cli, config_dir):
    config_dir.mkdir()
    path = config_dir / "config.toml"
    path.write_bytes(b'state = "TX"\r\n# her plan\r\n')
    assert cli("config", "set", "state", "NY").exit_code == 0
    assert cli("config", "set", "insurer", "Aetna").exit_code == 0
    assert path.read_bytes() == b'state = "NY"\r\n# her plan\r\ninsurer = "Aetna"\r\n'


def test_the_config_folder_named_with_a_tilde_is_in_the_home(cli, tmp_path, monkeypatch):
    """'~/cfg' made a folder named '~' wherever ketacalc ran; '~nosuchuser/x' too."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KETACALC_CONFIG_DIR", "~/cfg")
    assert cli("config", "set", "state", "TX").exit_code == 0
    assert (tmp_path / "home" / "cfg" / "config.toml").exists() and not (tmp_path / "~").exists()
    monkeypatch.setenv("KETACALC_CONFIG_DIR", "~nosuchuser-ketacalc/x")
    line = assert_one_error_line(cli("config", "set", "state", "TX"), 1)
    assert "KETACALC_CONFIG_DIR '~nosuchuser-ketacalc/x' names no directory" in line
    assert not (tmp_path / "~nosuchuser-ketacalc").exists()


def test_a_relative_config_folder_in_a_deleted_working_folder_is_one_clear_error(cli, tmp_path, monkeypatch):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    monkeypatch.setenv("KETACALC_CONFIG_DIR", "cfg")
    line = assert_one_error_line(cli("config", "show"), 1)
    assert "KETACALC_CONFIG_DIR 'cfg' names no directory (the current folder is gone)" in line


def test_batch_says_which_defaults_it_does_not_apply(cli, config_dir):
    """batch takes each line as the whole question, so a state, insurer or client set once is
    not applied: it said nothing, and an Innerwell line priced self-pay for a new client read as
    priced with the Aetna set in KETACALC_INSURER. One note says what is not applied."""
    line = '{"provider": "birch", "sessions": 6}\n'
    plain = cli("batch", "-", input=line)
    assert notes(plain.stderr) == []
    config_dir.mkdir()
    (config_dir / "config.toml").write_text('client = "returning"\n', encoding="utf-8")
    env = {"KETACALC_STATE": "TX", "KETACALC_INSURER": "Aetna"}
    result = cli("batch", "-", input=line, env=env)
    assert result.stdout == plain.stdout  # nothing applied
    [note] = notes(result.stderr)
    assert note.startswith("note: not applied by batch (each line is the whole question): ")
    assert "state TX from KETACALC_STATE; insurer Aetna from KETACALC_INSURER" in note
    assert f"client returning from the config file {config_dir / 'config.toml'}" in note
    # a config file batch cannot read is not its concern: the lines are still priced
    (config_dir / "config.toml").write_text('state = "TX', encoding="utf-8")
    broken = cli("batch", "-", input=line)
    assert broken.exit_code == 0 and broken.stdout == plain.stdout, broken.stderr
