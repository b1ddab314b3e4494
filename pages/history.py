"""Version history: who changed what and when; download, restore, templates."""

import streamlit as st

from dashboard.i18n import t
from dashboard.schema import TABLES
from dashboard.storage import store
from dashboard.ui import data, flash, history_view, session, state
from dashboard.ui.text import table_name

state.require_app()
lang = state.lang()
st.title(t("history.title", lang))
st.caption(t("history.intro", lang))
flash.show_flashes(lang)

table = (
    st.segmented_control(
        t("desk.table_choice", lang),
        list(TABLES),
        default="communities",
        key="hist_tbl",
        format_func=lambda v: table_name(v, lang),
    )
    or "communities"
)
rows = store.list_versions(data.engine(), table)
user = session.current_user()
if not rows:
    st.info(t("history.no_versions", lang))
else:
    history_view.versions_table(rows, user is not None, lang)
    numbers = [r["version"] for r in rows]
    version = st.selectbox(t("history.pick_version", lang), numbers, key="hist_version")
    history_view.downloads(table, version, user, lang)
    history_view.restore(table, version, user, lang)

history_view.template_downloads(lang)
