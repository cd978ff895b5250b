"""Rich text converted on several threads at once comes out right (gunicorn --threads)."""

from __future__ import annotations

import json
import threading

from cms.core.blocks import ParagraphBlock


def test_contentstate_converter__parallel_threads_get_their_own_text():
    # The widget of one block definition is shared by every request in a process.
    converter = ParagraphBlock().child_blocks["text"].field.widget.converter
    texts = {n: "".join(f"<p>文档{n}第{i}段<b>加粗</b>正文。</p>" for i in range(200)) for n in range(4)}
    errors: list[str] = []
    start = threading.Barrier(len(texts))

    def convert(n: int) -> None:
        start.wait()
        for _ in range(15):
            try:
                state = json.loads(converter.from_database_format(texts[n]))
            except Exception as error:
                errors.append(f"线程{n}：{error!r}")
                return
            words = "".join(block["text"] for block in state["blocks"])
            if words.count(f"文档{n}") != 200 or any(f"文档{m}" in words for m in texts if m != n):
                errors.append(f"线程{n}得到了别的文档的文字")
                return

    threads = [threading.Thread(target=convert, args=(n,)) for n in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
