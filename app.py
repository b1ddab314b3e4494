"""Entry point: page setup, shared sidebar, and the list of pages.

Served by ``streamlit run serve.py`` (which also loads the data as the server starts and sets the cookie that keeps a
staff sign-in across reloads); ``streamlit run app.py`` serves the same pages, without kept sign-ins. Pages are
listed explicitly so the design's ``pages/`` folder keeps its files while their titles follow the language.
"""

from urllib.parse import urlparse

import streamlit as st

from dashboard import config
from dashboard.i18n import t
from dashboard.ui import a11y, data, gate, session, sidebar, state
from dashboard.ui.page import require_settings

started = data.run_clock()  # DASHBOARD_TIMING=1 logs each run's server time (data.timed_run)
# Set once, before navigation: a page's Material icon would otherwise become the favicon (fetched from
# the internet), and a second call after st.navigation resets the menu. Slides start with the sidebar closed.
# No page_title: each page's own title (st.Page below) names the browser tab, in the reader's language.
presenting = urlparse(st.context.url or "").path.rstrip("/").endswith("/present")
st.set_page_config(page_icon="🏘️", layout="wide", initial_sidebar_state="collapsed" if presenting else "auto")
state.init()
lang = state.lang()
a11y.declare_language(lang)
require_settings(lang)  # a refused DASHBOARD_* value stops here, in one line

data.engine()
user = session.current_user()  # a reload or a new tab resumes the sign-in the browser keeps
session.browser_requests()  # after a sign-in: set the cookie that keeps it; after a sign-out: clear it
shown = gate.pages_for(user)

PAGES = [
    st.Page("pages/overview.py", title=t("ui.nav_overview", lang), icon=":material/dashboard:", default=True),
    st.Page("pages/map.py", title=t("ui.nav_map", lang), icon=":material/map:", url_path="map"),
    st.Page("pages/progress.py", title=t("ui.nav_progress", lang), icon=":material/trending_up:", url_path="progress"),
    st.Page("pages/profile.py", title=t("ui.nav_profile", lang), icon=":material/home_work:", url_path="profile"),
    st.Page("pages/desk.py", title=t("ui.nav_desk", lang), icon=":material/upload_file:", url_path="desk"),
    st.Page("pages/history.py", title=t("ui.nav_history", lang), icon=":material/history:", url_path="history"),
    st.Page("pages/present.py", title=t("ui.nav_present", lang), icon=":material/slideshow:", url_path="present"),
    st.Page(
        "pages/reporting.py",
        title=t("ui.nav_reporting", lang),
        icon=":material/assignment_turned_in:",
        url_path="reporting",
        visibility="visible" if shown["reporting"] else "hidden",
    ),
    st.Page(
        "pages/audit.py",
        title=t("ui.nav_audit", lang),
        icon=":material/policy:",
        url_path="audit",
        visibility="visible" if shown["audit"] else "hidden",
    ),
]
page = st.navigation(PAGES, position="sidebar" if user is not None or config.PUBLIC.value() else "hidden")
gate.gate(lang)  # DASHBOARD_PUBLIC=0: sign in first; a password to change: change it first
ds = data.dataset()
if page.url_path != "present":  # slides carry their own controls
    sidebar.render(data.full_range(ds))
state.sync_url(**{key: state.page_param(key) for key in state.PAGE_PARAMS})
with data.timed_run(page.url_path, started):
    page.run()
