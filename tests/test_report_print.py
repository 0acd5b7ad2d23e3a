"""The evaluation page in a real browser: printing shows the whole table without the sidebar and the toolbar, and
the data grid offers no CSV download of its own (it could not neutralise formulas; the page's buttons do)."""

import re

from tests.test_browser import ARTIFACTS, browser, page, pytestmark, served_db, server  # noqa: F401  (fixtures and the Chromium mark)


def test_printing_the_evaluation_page_prints_the_whole_table_and_nothing_else(server, page):  # noqa: F811
    page.emulate_media(media="screen")
    page.goto(f"{server}/evaluation-table")
    grid = page.locator(".st-key-evaluation_grid [data-testid=stDataFrame]")
    grid.wait_for(timeout=60_000)
    page.locator(".st-key-evaluation_grid").hover(force=True)
    toolbar = page.locator(".st-key-evaluation_grid [data-testid=stElementToolbar] button")
    toolbar.first.wait_for()
    shown = [b.get_attribute("aria-label") for b in toolbar.all() if b.is_visible()]
    assert "Download as CSV" not in shown and "Search" in shown
    page.locator("table.evaluation-print").wait_for(state="attached")
    assert not page.locator("table.evaluation-print").is_visible()          # on screen only the grid

    page.emulate_media(media="print")
    assert page.locator("table.evaluation-print").is_visible()
    assert page.locator("table.evaluation-print tbody tr").count() == 76    # every row, not the 15 in view
    for hidden in ("[data-testid=stSidebar]", "[data-testid=stHeader]", ".st-key-evaluation_grid",
                   ".st-key-evaluation_download"):
        assert not page.locator(hidden).first.is_visible(), hidden
    page.screenshot(path=str(ARTIFACTS / "evaluation-print.png"), full_page=True)
    pdf = page.pdf(landscape=True, format="A4", print_background=True)
    # 76 rows run over several A4 pages (a print of the scrolling view would be one page).
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2
    page.emulate_media(media="screen")
