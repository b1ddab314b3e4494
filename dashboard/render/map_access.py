"""What makes the map usable with a keyboard and a screen reader, in the reader's language: one small script.

Streamlit shows the map in a component frame whose page and frame attributes we do not write, so the script
sets them from inside, once the map is drawn:

- the page's language (``zh-CN`` or ``en``), and a viewport that lets people zoom (folium's forbids it);
- the frame's title and the map's name ("地图：…"), zoom buttons and popup close button named in the language;
- ONE Tab stop for the map and its zoom buttons: the 186 outlines and points (focusable in Chrome because
  Leaflet's tooltips listen for their focus) are taken out of the Tab order, kept from taking the focus on a
  click, and hidden from screen readers; the communities are reached through the list beside the map instead;
- profile links in popups open in the same tab: the component frame may not navigate the window it sits in,
  so the click is handed to a link in the top page (same origin), which keeps any base URL path;
- the attribution shows the base map's own credit only (no Leaflet prefix and flag);
- last, ``data-ju-ready`` on the map: its first view is set (without animation, ``maps._fit``) and all of the
  above done, so its keys work from then on (the browser tests wait for it).
"""

from __future__ import annotations

from branca.element import MacroElement
from folium.template import Template

from dashboard.i18n import t
from dashboard.render.map_script import js_literal

HTML_LANG = {"zh": "zh-CN", "en": "en"}


def html_lang(lang: str) -> str:
    """The BCP 47 tag a page in ``lang`` declares."""
    return HTML_LANG.get(lang, lang)


def access_texts(lang: str, count: int) -> dict[str, str]:
    """The names the script gives the map's parts, in ``lang``."""
    return {
        "lang": html_lang(lang),
        "title": t("maps.frame_title", lang),
        "label": t("maps.map_label", lang, count=count),
        "zoomIn": t("maps.zoom_in", lang),
        "zoomOut": t("maps.zoom_out", lang),
        "close": t("maps.close_popup", lang),
    }


class MapAccess(MacroElement):
    """The script (see the module docstring); added last, so every layer exists when it runs."""

    _template = Template("""{% macro script(this, kwargs) %}
(function (map, A) {
  var doc = document, box = map.getContainer();
  doc.documentElement.lang = A.lang;
  doc.querySelectorAll('meta[name="viewport"]').forEach(function (viewport) {  // the page's and folium's
    viewport.setAttribute('content', 'width=device-width, initial-scale=1.0');
  });
  try { if (window.frameElement) { window.frameElement.setAttribute('title', A.title); } } catch (e) {}
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', A.label);
  [['.leaflet-control-zoom-in', A.zoomIn], ['.leaflet-control-zoom-out', A.zoomOut]].forEach(function (pair) {
    var button = box.querySelector(pair[0]);
    if (button) { button.setAttribute('title', pair[1]); button.setAttribute('aria-label', pair[1]); }
  });
  if (map.attributionControl) { map.attributionControl.setPrefix(false); }
  function quiet() {
    box.querySelectorAll('.leaflet-overlay-pane svg, .leaflet-overlay-pane canvas').forEach(function (el) {
      el.setAttribute('aria-hidden', 'true');
    });
    box.querySelectorAll('.leaflet-overlay-pane path, .leaflet-marker-pane .leaflet-interactive').forEach(function (el) {
      if (el.getAttribute('tabindex') === '-1') { return; }
      el.setAttribute('tabindex', '-1');
      el.addEventListener('mousedown', keepFocus);
    });
  }
  function keepFocus(event) {  // a click focuses the map, as Leaflet does, but scrolls no page: the click must land
    event.preventDefault();
    if (doc.activeElement !== box) { box.focus({preventScroll: true}); }
  }
  quiet();
  map.on('layeradd zoomend', quiet);
  function inTopWindow(href) {
    var top = window.top;
    if (top === window) { window.location.assign(href); return; }
    var link = top.document.createElement('a');
    link.href = href;
    link.style.display = 'none';
    top.document.body.appendChild(link);
    link.click();
    link.remove();
  }
  map.on('popupopen', function (event) {
    var popup = event.popup.getElement();
    var close = popup && popup.querySelector('.leaflet-popup-close-button');
    if (close) { close.setAttribute('aria-label', A.close); close.setAttribute('title', A.close); }
    (popup ? popup.querySelectorAll('a.ju-profile') : []).forEach(function (link) {
      link.addEventListener('click', function (click) {
        if (click.button !== 0 || click.ctrlKey || click.metaKey || click.shiftKey || click.altKey) { return; }
        click.preventDefault();
        try { inTopWindow(link.href); } catch (e) { window.open(link.href, '_blank'); }
      });
    });
  });
  box.setAttribute('data-ju-ready', 'true');
})({{ this._parent.get_name() }}, {{ this.texts }});
{% endmacro %}""")

    def __init__(self, lang: str, count: int) -> None:
        super().__init__()
        self._name, self.texts = "MapAccess", js_literal(access_texts(lang, count))
