#!/usr/bin/python3
"""Make the Word fixtures of the .docx reader (tests/test_docx.c) with python-docx (Debian's
python3-docx): run with /usr/bin/python3 from this folder. The files are committed; rerun only
to change them."""
import copy
import docx
from docx.oxml.ns import qn

d = docx.Document()
d.add_paragraph("项目支出绩效目标表")
p = d.add_paragraph("tab\there")
p.add_run().add_break()
p.add_run("second line")
t = d.add_table(rows=4, cols=4)
for r in range(4):
    for c in range(4):
        t.cell(r, c).text = f"r{r}c{c}"
# a horizontal merge (gridSpan 2) in row 0, a vertical merge in column 0 over rows 1..3
t.cell(0, 0).merge(t.cell(0, 1))
t.cell(1, 0).merge(t.cell(3, 0))
# a cell with two paragraphs and a nested table
cell = t.cell(2, 3)
cell.text = "outer"
cell.add_paragraph("para 2")
inner = cell.add_table(rows=1, cols=2)
inner.cell(0, 0).text = "in1"
inner.cell(0, 1).text = "in2"
d.add_paragraph("after the table")
d.save("merged.docx")
