"""Role search: the folding (roles.search), and Role.objects.search on the stored texts.

The suite runs on SQLite and, in CI's second pass, on PostgreSQL (DATABASE_URL): every test here
runs on both, so "the same results for every casing" holds on both backends.
"""

import pytest

from roles.models import Role, RoleSearchText
from roles.search import search_key, search_text_of
from tests.factories import AlternateTitleFactory, RoleFactory


def names(query: str) -> list[str]:
    return list(Role.objects.search(query).values_list("name", flat=True))


# --- the folding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, folded",
    [
        ("CAFÉ MANAGER", "café manager"),
        ("Café  Manager ", "café manager"),
        ("cafe\u0301 manager", "café manager"),  # decomposed é, as some keyboards send it
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("GROẞHANDEL", "grosshandel"),  # capital sharp s
        ("İSTANBUL", "istanbul"),
        ("ıstanbul", "istanbul"),
        ("KARIŞIK", "karişik"),
        ("ΣΟΦΊΑ", "σοφία"),
        ("ＤＡＴＡ", "data"),  # full-width letters
        ("a\x00b", "a b"),
        ("  \t\n ", ""),
    ],
)
def test_search_key_folds_case_for_every_letter(typed, folded):
    assert search_key(typed) == folded


def test_search_text_has_one_line_per_name_and_title():
    text = search_text_of("Data Analyst", ["BI Analyst", "  ", "Analyste de DONNÉES"])
    assert text.split("\n") == ["data analyst", "bi analyst", "analyste de données"]


# --- the search --------------------------------------------------------------------------------


@pytest.fixture
def cafe_roles(db):
    manager = RoleFactory(name="CAFÉ MANAGER")
    owner = RoleFactory(name="Restaurant Owner")
    AlternateTitleFactory(role=owner, title="café manager and owner")
    RoleFactory(name="Cafe Manager")  # no accent: a different word for this search
    return manager, owner


@pytest.mark.parametrize("query", ["CAFÉ MANAGER", "café manager", "Café Manager", "cAfÉ mAnAgEr"])
def test_every_casing_finds_the_same_roles(cafe_roles, query):
    assert names(query) == ["CAFÉ MANAGER", "Restaurant Owner"]


@pytest.mark.parametrize(
    "title, query",
    [
        ("Straßenbauingenieur", "STRASSENBAU"),
        ("STRASSENBAUINGENIEUR", "straßenbau"),
        ("İstanbul Ofis Müdürü", "istanbul ofis"),
        ("istanbul ofis müdürü", "İSTANBUL OFİS MÜDÜRÜ"),
        ("Yazılım Mühendisi", "YAZILIM"),
        ("Ingénieur logiciel", "INGÉNIEUR"),
    ],
)
def test_turkish_and_german_letters_match_in_any_case(db, title, query):
    role = RoleFactory(name="Software Engineer")
    AlternateTitleFactory(role=role, title=title)
    RoleFactory(name="Data Analyst")
    assert names(query) == ["Software Engineer"]


def test_an_alternate_title_finds_its_role_once(db):
    role = RoleFactory(name="Software Engineer")
    AlternateTitleFactory(role=role, title="Software Development Engineer")
    AlternateTitleFactory(role=role, title="Senior Software Development Engineer")
    assert names("development engineer") == ["Software Engineer"]
    # A query never spans two titles (they are separate lines of the stored text).
    assert names("development engineer senior") == []


def test_a_query_of_100_characters_finds_the_title_it_spells(db):
    title = ("Principal Machine Learning Platform Engineer for Search " * 2)[:100].strip()
    role = RoleFactory(name="ML Engineer")
    AlternateTitleFactory(role=role, title=title)
    query = title.upper()
    assert len(query) == 100
    assert names(query) == ["ML Engineer"]
    assert names(query + "X") == []


def test_percent_and_underscore_are_plain_characters(db):
    remote = RoleFactory(name="Remote Engineer")
    AlternateTitleFactory(role=remote, title="100% remote engineer")
    RoleFactory(name="1000 remote engineers")
    snake = RoleFactory(name="snake_case linter")
    RoleFactory(name="snakeXcase linter")
    assert names("100%") == ["Remote Engineer"]
    assert names("%") == ["Remote Engineer"]
    assert names("e_c") == ["snake_case linter"]
    assert list(Role.objects.search("_")) == [snake]
    assert names("\\") == []


def test_the_results_keep_the_name_order(db):
    for name in ["Zeta Analyst", "Alpha Analyst", "Mu Analyst"]:
        RoleFactory(name=name)
    assert names("ANALYST") == ["Alpha Analyst", "Mu Analyst", "Zeta Analyst"]


def test_a_role_without_its_search_text_is_not_found_until_rebuilt(db):
    role = RoleFactory(name="Data Analyst")
    RoleSearchText.objects.filter(role=role).delete()  # as a bulk write with no signal leaves it
    assert names("analyst") == []
    assert RoleSearchText.objects.rebuild([role.pk]) == 1
    assert names("analyst") == ["Data Analyst"]
