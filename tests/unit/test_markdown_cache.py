"""render_markdown caches short texts: the same output, still sanitised, not shared wrongly."""

from markupsafe import Markup

from exam_app.web.filters import _CACHED_UP_TO, _cached_html, render_markdown


def test_cached_and_uncached_texts_render_the_same_sanitised_html():
    evil = "**粗体** <script>alert(1)</script> {{1}} <img src=x onerror=alert(1)>"
    first, again = render_markdown(evil), render_markdown(evil)
    assert first == again and isinstance(again, Markup)
    assert "<strong>粗体</strong>" in first and "<script" not in first and "onerror" not in first
    assert '<span class="blank">（1）</span>' in first
    long = evil + " 很长" * _CACHED_UP_TO
    assert render_markdown(long).startswith(first[: first.index("{") if "{" in first else 20])
    assert "<script" not in render_markdown(long)


def test_only_short_texts_enter_the_cache():
    _cached_html.cache_clear()
    render_markdown("短文本")
    render_markdown("短文本")
    render_markdown("长" * (_CACHED_UP_TO + 1))
    info = _cached_html.cache_info()
    assert (info.hits, info.misses, info.currsize) == (1, 1, 1)
    assert render_markdown(None) == render_markdown("") == Markup("")


def test_markdown_text_is_the_rendered_words_without_tags_and_is_escaped_on_output():
    from jinja2 import Environment

    from exam_app.web.filters import markdown_text

    option = "**峰时段** 电价 <script>alert(1)</script> & 1 < 2"
    words = markdown_text(option)
    assert words == Markup(render_markdown(option)).striptags()
    assert "峰时段 电价" in words and "<" not in words.replace("1 < 2", "")
    assert markdown_text(option + "长" * _CACHED_UP_TO).startswith(words)
    assert markdown_text(None) == ""
    # A plain str: autoescaping turns "&" and "<" back into entities in the page.
    env = Environment(autoescape=True)
    env.filters["markdown_text"] = markdown_text
    page = env.from_string("{{ t|markdown_text }}").render(t="A & B <i>x</i>")
    assert page == "A &amp; B x"
