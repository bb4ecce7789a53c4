"""The default policy, the policy model and the loader's one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from merchant_screen.errors import ConfigError, PolicyError
from merchant_screen.policy import loader
from merchant_screen.policy.loader import (
    MAX_POLICY_BYTES,
    MAX_POLICY_DEPTH,
    MAX_POLICY_NODES,
    load_policy,
    parse_policy,
)
from merchant_screen.policy.model import Category, LexiconTerm, Policy, Thresholds

PROHIBITED = [
    "illegal_drugs", "marijuana", "weapons", "unlicensed_pharmacy", "pseudo_pharmaceuticals",
    "adult_content", "gambling", "counterfeit_goods", "get_rich_quick", "fake_engagement",
    "hate_violence", "hazardous_materials",
]  # fmt: skip
RESTRICTED = [
    "cbd_hemp", "tobacco_vaping", "alcohol", "crypto", "money_services", "lending_credit",
    "investment_trading", "dating", "telemedicine_pharmacy", "nutraceuticals",
    "trial_subscriptions", "travel", "charities",
]  # fmt: skip

MINIMAL = """\
version: "1"
name: test policy
categories:
  - id: gambling
    tier: prohibited
    name: Gambling
    definition: Games of chance for money.
    required_evidence: [a wager offered on the merchant's pages]
    lexicon: [online casino, {term: free spins, weight: 2}]
  - id: pets
    tier: restricted
    name: Exotic pets
    definition: Live exotic animals for sale.
    required_evidence: [an animal offered for sale]
"""


def write(tmp_path: Path, text: str, name: str = "my.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, text))
    message = str(caught.value)
    assert "\n" not in message
    return message


def minimal_with(**changes: object) -> str:
    """MINIMAL with fields of the first category replaced (``None`` deletes one)."""
    data = yaml.safe_load(MINIMAL)
    for key, value in changes.items():
        if value is None:
            del data["categories"][0][key]
        else:
            data["categories"][0][key] = value
    return yaml.safe_dump(data, sort_keys=False)


# --- the default policy ----------------------------------------------------------------------


def test_default_policy_has_exactly_the_fixed_ids_and_tiers() -> None:
    policy = load_policy()
    assert sorted(policy.ids) == sorted(PROHIBITED + RESTRICTED)
    assert len(policy.ids) == 25
    assert set(policy.ids_in("prohibited")) == set(PROHIBITED)
    assert set(policy.ids_in("restricted")) == set(RESTRICTED)
    for category_id in PROHIBITED:
        assert policy.tier_of(category_id) == "prohibited"
    for category_id in RESTRICTED:
        assert policy.tier_of(category_id) == "restricted"


@pytest.mark.parametrize("category_id", PROHIBITED + RESTRICTED)
def test_every_default_category_is_complete(category_id: str) -> None:
    category = load_policy().category(category_id)
    assert category.name and category.definition
    assert 2 <= len(re.findall(r"[.!?](?:\s|$)", category.definition)) <= 4  # sentences
    assert category.includes and category.example_signals and category.required_evidence
    assert category.excludes
    assert all(e.startswith("Not a violation if") for e in category.excludes)
    assert 15 <= len(category.lexicon) <= 80  # recall-first vocabulary; the scorer adds precision
    assert category.negative_lexicon
    assert any(t.weight >= 1.5 for t in category.lexicon)


def test_default_policy_metadata_and_thresholds() -> None:
    policy = load_policy()
    assert policy.version == "2025.1"
    assert policy.lexicon_languages == ("en", "de", "fr", "es")
    assert policy.thresholds == Thresholds(
        reject_min_confidence=0.8,
        restricted_action="review",
        approve_min_confidence=0.7,
        unknown_action="review",
        candidate_min_score=0.5,
    )


def test_default_policy_is_read_once() -> None:
    assert load_policy() is load_policy(None)


def test_default_lexicons_cover_other_languages() -> None:
    terms = {t.term for c in load_policy().categories for t in c.lexicon if t.term}
    assert {"sportwetten", "paris sportifs", "apuestas deportivas", "e-zigarette"} <= terms


def test_exclusions_decided_in_the_default_policy() -> None:
    policy = load_policy()
    weapons = " ".join(policy.category("weapons").excludes).lower()
    assert "airsoft" in weapons and "archery" in weapons and "knives" in weapons
    alcohol = " ".join(policy.category("alcohol").excludes).lower()
    assert "cooking wine" in alcohol and "non-alcoholic" in alcohol
    assert "telemedicine_pharmacy" in " ".join(policy.category("unlicensed_pharmacy").excludes)


# --- version hash ------------------------------------------------------------------------------


def test_version_hash_is_the_hash_of_the_file_bytes(tmp_path: Path) -> None:
    first = load_policy(write(tmp_path, MINIMAL, "a.yaml"))
    again = load_policy(write(tmp_path, MINIMAL, "b.yaml"))
    assert re.fullmatch(r"sha256:[0-9a-f]{16}", first.version_hash)
    assert first.version_hash == again.version_hash
    changed = load_policy(write(tmp_path, MINIMAL.replace("Gambling", "Betting"), "c.yaml"))
    assert changed.version_hash != first.version_hash
    # Raw bytes, by design: even a comment is a new version.
    commented = load_policy(write(tmp_path, MINIMAL + "# note\n", "d.yaml"))
    assert commented.version_hash != first.version_hash
    assert commented.model_dump() == first.model_dump()


def test_default_version_hash_is_stable() -> None:
    raw = Path(__file__).parents[2] / "src/merchant_screen/policy/default.yaml"
    assert load_policy().version_hash == parse_policy(raw.read_bytes()).version_hash


def test_policy_built_in_code_hashes_its_content() -> None:
    data = yaml.safe_load(MINIMAL)
    one, two = Policy.model_validate(data), Policy.model_validate(data)
    assert one.version_hash == two.version_hash
    data["name"] = "another"
    assert Policy.model_validate(data).version_hash != one.version_hash


# --- helpers and thresholds --------------------------------------------------------------------


def test_lookup_helpers(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, MINIMAL))
    assert policy.ids == ("gambling", "pets")
    assert policy.category("pets").name == "Exotic pets"
    assert policy.tier_of("gambling") == "prohibited"
    assert policy.ids_in("restricted") == ("pets",)
    with pytest.raises(KeyError, match="weapons"):
        policy.category("weapons")
    with pytest.raises(KeyError):
        policy.tier_of("weapons")


def test_lexicon_terms_accept_strings_and_weights(tmp_path: Path) -> None:
    terms = load_policy(write(tmp_path, MINIMAL)).category("gambling").lexicon
    assert terms == (
        LexiconTerm(term="online casino", weight=1.0),
        LexiconTerm(term="free spins", weight=2.0),
    )
    assert [t.label for t in terms] == ["online casino", "free spins"]


@pytest.mark.parametrize(
    ("decision", "confidence", "action"),
    [
        ("prohibited", 0.8, "reject"),
        ("prohibited", 0.79, "review"),
        ("restricted", 0.99, "review"),
        ("allowed", 0.7, "approve"),
        ("allowed", 0.69, "review"),
        ("unknown", 1.0, "review"),
    ],
)
def test_thresholds_map_decision_and_confidence_to_action(
    decision: str, confidence: float, action: str
) -> None:
    assert Thresholds().action_for(decision, confidence) == action  # type: ignore[arg-type]


def test_thresholds_can_be_configured() -> None:
    strict = Thresholds(
        reject_min_confidence=0.5, restricted_action="reject", unknown_action="reject"
    )
    assert strict.action_for("prohibited", 0.5) == "reject"
    assert strict.action_for("restricted", 0.1) == "reject"
    assert strict.action_for("unknown", 0.9) == "reject"


def test_a_user_policy_may_define_its_own_ids(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, MINIMAL))
    assert isinstance(policy.category("pets"), Category)


# --- invalid policies: one line naming every problem -------------------------------------------


def test_wrong_tier(tmp_path: Path) -> None:
    message = error_for(tmp_path, minimal_with(tier="banned"))
    assert message.startswith(f"policy {tmp_path / 'my.yaml'} is invalid: ")
    assert "categories[0].tier: Input should be 'prohibited' or 'restricted'" in message
    assert "'banned'" in message


def test_duplicate_id(tmp_path: Path) -> None:
    message = error_for(tmp_path, MINIMAL.replace("id: pets", "id: gambling"))
    assert "categories[1]: duplicate id 'gambling'" in message


def test_every_problem_is_listed_in_one_line(tmp_path: Path) -> None:
    text = minimal_with(tier="banned").replace("id: pets", "id: gambling")
    message = error_for(tmp_path, text)
    assert "categories[0].tier" in message
    assert "categories[1]: duplicate id 'gambling'" in message
    assert message.count("; ") >= 1


@pytest.mark.parametrize("bad_id", ["Gambling", "9lives", "x", "has-dash", "a" * 42])
def test_bad_id(tmp_path: Path, bad_id: str) -> None:
    message = error_for(tmp_path, minimal_with(id=bad_id))
    assert "categories[0].id: String should match pattern" in message


@pytest.mark.parametrize("field", ["tier", "definition", "required_evidence", "name"])
def test_missing_field(tmp_path: Path, field: str) -> None:
    assert f"categories[0].{field}: Field required" in error_for(
        tmp_path, minimal_with(**{field: None})
    )


def test_misspelt_field(tmp_path: Path) -> None:
    message = error_for(tmp_path, minimal_with(exclude=["x"]))
    assert "categories[0].exclude: Extra inputs are not permitted" in message


def test_missing_top_level_field(tmp_path: Path) -> None:
    assert "version: Field required" in error_for(tmp_path, MINIMAL.replace('version: "1"\n', ""))


@pytest.mark.parametrize(
    ("lexicon", "expected"),
    [
        (["Casino"], "categories[0].lexicon[0].term: Value error, must be lowercase"),
        (["-casino"], "must start with a letter or digit"),
        ([{"regex": "(casino"}], "categories[0].lexicon[0].regex: Value error, invalid regex"),
        ([{"regex": "(casino)"}], "has capturing groups"),
        ([{"regex": "Casino"}], "must be lowercase"),
        ([{"regex": "x?"}], "matches the empty string"),
        ([{"term": "a", "regex": "a"}], "categories[0].lexicon[0]: Value error, give exactly one"),
        ([{"term": "casino", "weight": 0}], "categories[0].lexicon[0].weight"),
        (["casino", "casino"], "lexicon repeats 'casino'"),
    ],
)
def test_invalid_lexicon_entries(tmp_path: Path, lexicon: list[object], expected: str) -> None:
    assert expected.replace("Value error, ", "") in error_for(
        tmp_path, minimal_with(lexicon=lexicon)
    )


def test_term_both_positive_and_negative(tmp_path: Path) -> None:
    text = minimal_with(negative_lexicon=["online casino"])
    assert "'online casino' is in both lexicon and negative_lexicon" in error_for(tmp_path, text)


def test_bad_threshold(tmp_path: Path) -> None:
    text = MINIMAL.replace("categories:", "thresholds: {reject_min_confidence: 1.5}\ncategories:")
    assert "thresholds.reject_min_confidence: Input should be less than or equal to 1" in (
        error_for(tmp_path, text)
    )


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    message = error_for(tmp_path, MINIMAL.replace("name: Exotic pets", "name: [Exotic pets"))
    assert message.startswith(f"policy {tmp_path / 'my.yaml'} is not valid YAML: line ")
    line = int(re.search(r"line (\d+)", message).group(1))  # type: ignore[union-attr]
    assert 12 <= line <= 16


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- a\n- b\n", "a list"), ("just words\n", "a string"), ("", "an empty document")],
)
def test_not_a_mapping(tmp_path: Path, text: str, kind: str) -> None:
    assert error_for(tmp_path, text).endswith(f"the top level must be a mapping, got {kind}")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"^policy file not found: .*nope\.yaml$"):
        load_policy(tmp_path / "nope.yaml")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="is a directory, not a file"):
        load_policy(tmp_path)


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"version: \xff\xfe\x00\x01\n")
    with pytest.raises(PolicyError, match="is not valid YAML") as caught:
        load_policy(path)
    assert "\n" not in str(caught.value)


def test_policy_error_is_a_config_error() -> None:
    assert issubclass(PolicyError, ConfigError)
    assert PolicyError("x").exit_code == 2


def test_many_problems_are_capped(tmp_path: Path) -> None:
    data = yaml.safe_load(MINIMAL)
    data["categories"] = [{"id": f"c{i}", "tier": "nope"} for i in range(40)]
    message = error_for(tmp_path, yaml.safe_dump(data))
    assert re.search(r"; and \d+ more$", message)


# --- size, aliases and nesting: refused before anything heavy is built --------------------------


def test_default_policy_is_far_under_the_size_cap() -> None:
    default = Path(loader.__file__).with_name("default.yaml")
    assert default.stat().st_size * 10 < MAX_POLICY_BYTES


def test_an_oversized_policy_file_is_refused_unparsed(tmp_path: Path) -> None:
    # A valid policy padded past the cap with a comment: refused on its size alone.
    padding = "# " + "x" * 998 + "\n"
    text = MINIMAL + padding * (MAX_POLICY_BYTES // len(padding) + 1)
    message = error_for(tmp_path, text)
    assert message == (
        f"policy {tmp_path / 'my.yaml'} is too large: "
        f"{len(text) / 1e6:.1f} MB (at most {MAX_POLICY_BYTES / 1e6:.0f} MB)"
    )
    with pytest.raises(PolicyError, match="is too large"):
        parse_policy(text.encode(), source="bytes")


def test_an_alias_bomb_is_refused_before_it_is_built(tmp_path: Path) -> None:
    # Nine levels of ten aliases each: 10**9 strings once expanded, 1 KB on disk.
    lines = ["x0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    text = "\n".join(lines) + "\n" + minimal_with(required_evidence="PLACEHOLDER")
    text = text.replace("PLACEHOLDER", "*a8")
    message = error_for(tmp_path, text)
    assert message.endswith(f"its aliases expand to more than {MAX_POLICY_NODES:,} YAML nodes")


def test_a_self_referencing_alias_is_refused(tmp_path: Path) -> None:
    message = error_for(tmp_path, MINIMAL + "extra: &loop [a, *loop]\n")
    assert "an alias refers to the node that contains it" in message


@pytest.mark.parametrize("depth", [MAX_POLICY_DEPTH + 1, 100_000])
def test_deep_nesting_is_one_line(tmp_path: Path, depth: int) -> None:
    message = error_for(tmp_path, MINIMAL + "extra: " + "[" * depth + "]" * depth + "\n")
    prefix = f"policy {tmp_path / 'my.yaml'} "
    assert message.startswith(prefix)
    assert "nest" in message.removeprefix(prefix)  # "nested more than", "nesting depth"


def test_aliases_within_the_caps_still_work(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "required_evidence: [a wager offered on the merchant's pages]",
        "required_evidence: &wager [a wager offered on the merchant's pages]",
    ).replace("required_evidence: [an animal offered for sale]", "required_evidence: *wager")
    policy = load_policy(write(tmp_path, text))
    assert list(policy.categories[1].required_evidence) == [
        "a wager offered on the merchant's pages"
    ]
