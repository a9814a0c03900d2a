"""Reads the merge view the wizard shows on a conflict: the controls of the form #jd-merge (they
sit inside the wizard's form on the page, but belong to #jd-merge by their form attribute), and
posts it back with a choice per field, the way a browser would."""

from __future__ import annotations

from html.parser import HTMLParser


class MergeForm(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, list[str]] = {}
        self.choices: dict[str, list[str]] = {}  # radio name -> its values
        self.labels: list[str] = []
        self._legend = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "legend":
            self._legend = True
            self.labels.append("")
        if tag != "input" or a.get("form") != "jd-merge":
            return
        if a.get("type") == "hidden":
            self.hidden.setdefault(a["name"], []).append(a.get("value", ""))
        elif a.get("type") == "radio":
            self.choices.setdefault(a["name"], []).append(a["value"])

    def handle_data(self, data):
        if self._legend:
            self.labels[-1] += data

    def handle_endtag(self, tag):
        if tag == "legend":
            self._legend = False


def merge_form(html: str) -> MergeForm:
    parser = MergeForm()
    parser.feed(html)
    return parser


def post_merge(client, url: str, html: str, choose: dict[str, str] | str, **extra):
    """Send the merge on `html` back with `choose` ({radio name: "theirs"|"yours"}, or one side
    for every field); `extra` replaces hidden values."""
    form = merge_form(html)
    data = {name: list(values) for name, values in form.hidden.items()}
    if isinstance(choose, str):
        choose = dict.fromkeys(form.choices, choose)
    data.update({name: [side] for name, side in choose.items()})
    data.update({name: [value] for name, value in extra.items()})
    return client.post(url, data)
