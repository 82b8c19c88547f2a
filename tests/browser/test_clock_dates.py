"""From a QA pass: on an issued case's page the clock panel's long label ("Authorize overturned
items by") left its dates a column so narrow that they broke inside themselves at 1280 and
1440 px ("11/24/202" over "6"). A date keeps to one line at any width; a long word still wraps.
From a later one: the labels' column left the appeal's explanation so narrow that its words
broke inside themselves ("determinatio" over "n"): the labels take at most 40% of the panel."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cases.lifecycle.models import PartyRole
from reviews.letters.services import letter_request
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory, approved_determination

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each m/d/Y date (or, with `pattern`, each match of it) in the panel's list, as a Range over
# its characters: the lines it spans.
DATE_LINES = """(dl, pattern) => {
  const found = [];
  const walker = document.createTreeWalker(dl, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("details")) continue;
    const found_in = pattern ? new RegExp(pattern, "g") : /\\d\\d\\/\\d\\d\\/\\d{4}/g;
    for (const match of node.data.matchAll(found_in)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
      found.push([match[0], tops.size]);
    }
  }
  return found;
}"""


@pytest.mark.parametrize("width", [1440, 1280, 390])
def test_each_date_of_an_issued_cases_clock_stays_on_one_line(
    page, live_server, reference_data, artifacts, width
):
    determination = approved_determination(outcomes=("overturned",))
    case = determination.case
    # The employer cannot be served: the appeal's date waits, explained in a long paragraph.
    case.parties.filter(role=PartyRole.EMPLOYER).update(email="", e_service_consent=False)
    letter_request(determination=determination, actor=None)  # rendered and e-mailed at once
    party = case.parties.first()
    party.name = "ab12" * 50  # one pasted 200-character word: it still wraps
    party.save()
    admin = UserFactory(role=Role.CASE_ADMIN)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    dates = page.locator("#clock dl.clock-dates")
    expect(dates).to_contain_text("Authorize overturned items by")
    expect(dates).to_contain_text("Appeal deadline")
    expect(dates).to_contain_text("waiting for an address")
    page.locator("#clock").screenshot(path=str(artifacts / f"clock-dates-{width}.png"))

    lines = dates.evaluate(DATE_LINES)
    assert len(lines) >= 6, lines  # application, notice, records, determination, appeal, ...
    assert [date for date, count in lines if count != 1] == []
    # and no word of the dates' explanations is broken inside itself
    words = dates.evaluate(DATE_LINES, "[A-Za-z]{5,}")
    assert len(words) > 20
    assert [word for word, count in words if count != 1] == []
    assert page.locator("#clock").evaluate("el => el.scrollWidth <= el.clientWidth")
    facts = page.locator("section[aria-labelledby=facts-title]")
    expect(facts).to_contain_text(party.name[:40])
    assert facts.evaluate("el => el.scrollWidth <= el.clientWidth")
    facts.screenshot(path=str(artifacts / f"clock-dates-facts-{width}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
