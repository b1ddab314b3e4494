"""One slide as HTML for the app: the page's 16:9 preview and the projector's full screen, from the same slide model.

Type is sized in container units (``cqh``, ``cqw``) of the slide's box, so it
scales with the screen: at 1920x1080 a headline number is about 76 px, a
label 28 px, a table cell 28 px. Charts are the deck's pictures, fitted into
what the title and footer leave (``object-fit: contain``), so their type grows
with them. Every text from the data is escaped here.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from html import escape

from dashboard.briefing.compose import LAST_FILL, LEADER_FILL, OWN_FILL
from dashboard.briefing.content import Briefing, Card, Slide
from dashboard.briefing.ranking import Table
from dashboard.i18n import t

CSS = """
.jp-frame{container-type:size;width:100%;aspect-ratio:16/9;background:#fff;color:#1f2933;position:relative;
  font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;overflow:hidden;border:1px solid #d8dce2}
.jp-frame.jp-full{width:100vw;height:100vh;aspect-ratio:auto;border:0}
.jp-slide{position:absolute;inset:0;display:flex;flex-direction:column;padding:2.2cqh 3.2cqw 1.2cqh;box-sizing:border-box}
.jp-slide::before{content:"";position:absolute;left:0;top:0;right:0;height:1.1cqh;background:#9e1b1b}
.jp-head h1{font-size:min(5.6cqh,3.4cqw);line-height:1.2;margin:1.2cqh 0 0;padding:0;font-weight:700;color:#1f2933}
.jp-head p{font-size:min(2.8cqh,1.7cqw);margin:.6cqh 0 0;color:#5f6b7a}
.jp-body{flex:1;min-height:0;display:flex;margin-top:2cqh}
.jp-body img{width:100%;height:100%;object-fit:contain}
.jp-cards{display:grid;grid-template-columns:repeat(3,1fr);grid-template-rows:repeat(2,1fr);gap:1.6cqh 1.2cqw;width:100%}
.jp-card{background:#f1f3f6;border-radius:1.2cqh;display:flex;flex-direction:column;justify-content:center;align-items:center;
  text-align:center;padding:1cqh 1cqw}
.jp-value{font-size:min(7cqh,4cqw);font-weight:700;color:#08519c;line-height:1.15}
.jp-label{font-size:min(2.6cqh,1.6cqw);color:#5f6b7a;margin-top:.4cqh}
.jp-detail{font-size:min(2.2cqh,1.3cqw);margin-top:.3cqh}
.jp-bullets{font-size:min(3.4cqh,2cqw);line-height:1.45;margin:0;padding-left:1.2em;align-self:flex-start}
.jp-bullets li{margin-bottom:1.2cqh}
.jp-table{border-collapse:collapse;width:100%;font-size:min(2.6cqh,1.35cqw);align-self:flex-start}
.jp-table thead th{background:#9e1b1b;color:#fff;font-weight:700;padding:.8cqh .5cqw;text-align:center}
.jp-table tbody th{font-weight:inherit;text-align:left;white-space:nowrap;padding:.9cqh .5cqw;border-bottom:1px solid #c9ced6}
.jp-table td{padding:.9cqh .5cqw;border-bottom:1px solid #c9ced6;text-align:right;white-space:nowrap}
.jp-table td:nth-child(2){text-align:left}.jp-table td:first-child{text-align:center}
.jp-centre{flex:1;display:flex;flex-direction:column;justify-content:center;align-items:center;text-align:center}
.jp-centre h1{font-size:min(7cqh,4.2cqw);margin:0 0 3cqh;font-weight:700}
.jp-centre p{font-size:min(3.4cqh,2cqw);margin:.8cqh 0;color:#5f6b7a}
.jp-centre p.jp-org{color:#1f2933}
.jp-foot{display:flex;justify-content:space-between;gap:2cqw;border-top:1px solid #c9ced6;padding-top:.8cqh;
  font-size:min(1.9cqh,1.1cqw);color:#5f6b7a}
.jp-empty{font-size:min(3.4cqh,2cqw);color:#5f6b7a;align-self:center;margin:auto}
"""


def _e(value: object) -> str:
    return escape(str(value))


def _card(card: Card) -> str:
    details = "".join(f'<div class="jp-detail">{_e(d)}</div>' for d in card.details)
    value, label = f'<div class="jp-value">{_e(card.value)}</div>', f'<div class="jp-label">{_e(card.label)}</div>'
    return f'<div class="jp-card">{value}{label}{details}</div>'


def _table(table: Table) -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in table.header)
    rows = []
    for i, row in enumerate(table.rows):
        fill = LEADER_FILL if i == table.leader else LAST_FILL if i == table.last else OWN_FILL if i == table.own else ""
        style = f' style="background:#{fill}{";font-weight:700" if i == table.own else ""}"' if fill or i == table.own else ""
        cells = "".join(f'<th scope="row">{_e(c)}</th>' if j == 1 else f"<td>{_e(c)}</td>" for j, c in enumerate(row))
        rows.append(f"<tr{style}>{cells}</tr>")
    return f'<table class="jp-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _body(slide: Slide, picture: bytes | None, lang: str) -> str:
    if slide.cards:
        return f'<div class="jp-cards">{"".join(_card(c) for c in slide.cards)}</div>'
    if slide.table is not None:
        return _table(slide.table)
    if picture is not None:
        data = base64.b64encode(picture).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{_e(slide.picture_text())}">'
    if slide.chart is not None or not slide.bullets:
        return f'<p class="jp-empty">{_e(t("brief.no_chart_data", lang))}</p>'
    return f'<ul class="jp-bullets">{"".join(f"<li>{_e(b)}</li>" for b in slide.bullets)}</ul>'


def _centred(briefing: Briefing, slide: Slide) -> str:
    if slide.key == "cover":
        org = f"{t('brief.cover_org_label', briefing.lang)}{'：' if briefing.lang == 'zh' else ': '}{briefing.org}"
        meeting = t("brief.cover_meeting", briefing.lang, meeting=briefing.meeting, day=briefing.meeting_date)
        lines = [("jp-org", org), ("", meeting), ("", briefing.dates)]
    else:
        lines = [("", slide.subtitle), ("jp-org", briefing.org), ("", briefing.meeting_date)]
    paragraphs = "".join(f'<p class="{cls}">{_e(text)}</p>' for cls, text in lines)
    return f'<div class="jp-centre"><h1>{_e(slide.title)}</h1>{paragraphs}</div>'


def slide_html(briefing: Briefing, index: int, pictures: Mapping[str, bytes], full: bool = False) -> str:
    """Slide ``index`` (0-based) as a self-contained block: its style, the slide, and a live counter for screen readers."""
    slide, total = briefing.slides[index], len(briefing.slides)
    counter = t("present.counter", briefing.lang, n=index + 1, total=total)
    if slide.key in ("cover", "closing"):
        inner = _centred(briefing, slide)
    else:
        head = f'<div class="jp-head"><h1>{_e(slide.title)}</h1><p>{_e(slide.subtitle)}</p></div>'
        inner = f'{head}<div class="jp-body jp-{_e(slide.key)}">{_body(slide, pictures.get(slide.key), briefing.lang)}</div>'
    live = f'<span role="status" aria-live="polite">{_e(counter)}</span>'
    foot = f'<div class="jp-foot"><span>{_e(briefing.source)}</span>{live}</div>'
    frame = "jp-frame jp-full" if full else "jp-frame"
    label = _e(t("present.slide_label", briefing.lang, title=slide.title))
    return (
        f"<style>{CSS}</style>"
        f'<div class="{frame}" data-slide="{index + 1}"><section class="jp-slide" role="region" aria-roledescription="slide" '
        f'aria-label="{label}">{inner}{foot}</section></div>'
    )
