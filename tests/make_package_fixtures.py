#!/usr/bin/python3
"""make_package_fixtures.py — a bureau's own letter template, made the way Word leaves them.

Run once (/usr/bin/python3 tests/make_package_fixtures.py); the .docx is committed. Word splits a
placeholder over several runs when it was typed in pieces, formatted in part, or spell-checked;
this template does so on purpose: {{ in one run, the name in a bold run, }} in a third; a
placeholder in a table cell, in the page header, and two in one run.
"""
import datetime
import os

from docx import Document
from docx.shared import Pt

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "package")


def runs(p, *parts):
    """Add each (text, bold) part as its own run of paragraph P."""
    for text, bold in parts:
        r = p.add_run(text)
        r.bold = bold
        r.font.size = Pt(14)


def main():
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{文号}}"
    runs(doc.add_paragraph(), ("{{", False), ("发文机关", True), ("}}", False),
         ("文件", False))
    runs(doc.add_paragraph(), ("{", False), ("{文", False), ("号}", False), ("}", False))
    runs(doc.add_paragraph(), ("{{标题}}", True))
    runs(doc.add_paragraph(), ("{{ 主送 }}：", False))
    runs(doc.add_paragraph(),
         ("现下达", False), ("{{资金", False), ("名称}}", False), ("共计", False),
         ("{{此次", True), ("下达合计}}", True), ("万元", True), ("，全年", False),
         ("{{全年合计}}万元，已提前下达{{已提前下达合计}}万元。", False))
    runs(doc.add_paragraph(), ("直达资金标识：{{直达资金标识}}。", False))
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "收入科目"
    table.cell(0, 1).text = "{{收入科目}}"
    table.cell(1, 0).text = "支出科目"
    cell = table.cell(1, 1).paragraphs[0]
    runs(cell, ("{{支出", True), ("科目}}", False))
    runs(doc.add_paragraph(), ("附件：{{附件}}", False))
    runs(doc.add_paragraph(), ("{{发文机关}}　{{日期}}", False))
    when = datetime.datetime(2024, 1, 1)
    doc.core_properties.created = when
    doc.core_properties.modified = when
    doc.core_properties.author = "fenpei tests"
    doc.core_properties.last_modified_by = "fenpei tests"
    doc.core_properties.revision = 1
    os.makedirs(HERE, exist_ok=True)
    doc.save(os.path.join(HERE, "bureau_template.docx"))


if __name__ == "__main__":
    main()
