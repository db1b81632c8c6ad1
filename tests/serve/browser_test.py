#!/usr/bin/python3
# browser_test.py — fenpei serve's page in headless Chromium (DevTools protocol): upload the
# bundled table with one county mistyped, see the marked cell and its likely cause, run a
# what-if, download the what-if workbook and read it back with openpyxl.
# usage: browser_test.py FENPEI_BINARY [--screenshots DIR]
import glob
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, WebSocket  # noqa: E402
from serve_util import Server, change_cell, source_dir  # noqa: E402

import openpyxl  # noqa: E402

FENPEI = os.path.abspath(sys.argv[1])
SHOTS = sys.argv[sys.argv.index('--screenshots') + 1] if '--screenshots' in sys.argv else None
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
SRC = source_dir()
TOTAL = '全年应拨付资金合计'
failures = []


def expect(what, got, want):
    if got != want:
        failures.append('%s: expected %r, got %r' % (what, want, got))


if not os.access(CHROMIUM, os.X_OK):
    print('browser_test: %s not found (Debian package chromium); skipped' % CHROMIUM)
    sys.exit(77)

tmp = tempfile.mkdtemp(prefix='fenpei-browser-')
text = open(os.path.join(SRC, 'allocations/xinjiang-2024-basic-public-health-batch2.csv')).read()
table = os.path.join(tmp, '新疆基本公卫第二批.csv')
open(table, 'w').write(change_cell(text, 10, 2, '361'))  # 天山区 316 → 361, a transposition
downloads = os.path.join(tmp, 'downloads')
os.mkdir(downloads)

srv = Server(FENPEI)
b = Browser(CHROMIUM)
try:
    b.call('Page.enable')
    b.call('Runtime.enable')
    # downloads go to our folder (a browser-level command, on the browser's own endpoint)
    port_file = os.path.join(b.profile, 'DevToolsActivePort')
    port, path = open(port_file).read().split('\n')[:2]
    bw = WebSocket('ws://127.0.0.1:%s%s' % (port, path))
    bw.send(json.dumps({'id': 1, 'method': 'Browser.setDownloadBehavior',
                        'params': {'behavior': 'allow', 'downloadPath': downloads}}))
    expect('download behaviour', 'error' in json.loads(bw.recv()), False)

    b.call('Page.navigate', url=srv.url)
    b.wait("document.readyState === 'complete' && !!document.getElementById('file')")
    expect('title', b.eval('document.title'), '分配表检查与测算 · fenpei')
    expect('results hidden at first', b.eval("document.getElementById('step-check').hidden"), True)
    if SHOTS:
        b.screenshot(os.path.join(SHOTS, 'web-start.png'))

    # choose the file, as a clerk would with 选择文件…
    doc = b.call('DOM.getDocument')
    node = b.call('DOM.querySelector', nodeId=doc['root']['nodeId'], selector='#file')
    b.call('DOM.setFileInputFiles', files=[table], nodeId=node['nodeId'])
    b.wait("!document.getElementById('step-check').hidden")
    expect('summary', b.eval("document.querySelector('#summary .big').textContent"),
           '发现 2 处错误。')
    bad = b.eval("[...document.querySelectorAll('#table td.bad')].map(td => "
                 "[td.parentElement.querySelector('td.name').textContent, td.textContent])")
    expect('marked cell', bad, [['▾天山区' if False else '天山区', '361应为 316']])
    expect('marked cell visible', b.eval("[...document.querySelectorAll('#table td.bad')]"
                                         ".every(td => !td.parentElement.hidden)"), True)
    causes = b.eval("[...document.querySelectorAll('#findings .cause')].map(e => e.textContent)")
    expect('one cause for both findings', len(causes), 1)
    expect('cause text', causes[0].startswith('可能原因：笔误（相邻数字颠倒）：第 10 行「天山区」'),
           True)
    expect('suggestion', b.eval("document.querySelector('#findings .suggestion').textContent"),
           '建议：第 10 行「天山区」的「原基本公共卫生项目」由 361 改为 316')
    # folded by 地州: 乌鲁木齐市 is open (it holds the error), 伊犁州 (say) is folded
    expect('other 地州 folded', b.eval(
        "[...document.querySelectorAll('#table tr')].filter(tr => !tr.hidden).length < 60"), True)
    b.eval("document.getElementById('expand-all').click()")
    expect('expand all', b.eval("[...document.querySelectorAll('#table tbody tr')]"
                                ".filter(tr => !tr.hidden).length"), 119)
    b.eval("document.getElementById('collapse-all').click()")
    if SHOTS:
        b.screenshot(os.path.join(SHOTS, 'web-check.png'), full=True)

    # the notice workbook is refused in place: the table does not add up
    b.eval("document.getElementById('dl-notice').click()")
    expect('notice refused', b.wait("document.getElementById('check-error').textContent"),
           '表格有 2 处不平衡，不能生成下达文件；请先检查并改正。')

    # no what-if on a table that does not add up: the form gives way to a note
    expect('what-if blocked', (b.eval("document.getElementById('whatif').hidden"),
                               b.eval("document.getElementById('whatif-blocked').hidden")),
           (True, False))

    # now the corrected table (the bundled one): check, then the what-if
    fixed = os.path.join(tmp, '新疆基本公卫第二批-改正.csv')
    open(fixed, 'w').write(text)
    b.call('DOM.setFileInputFiles', files=[fixed], nodeId=node['nodeId'])
    b.wait("document.querySelector('#summary .big') && document.querySelector('#summary .big')"
           ".textContent === '各项平衡关系全部成立。'")
    expect('what-if offered', b.eval("document.getElementById('whatif').hidden"), False)
    # an error in place first (no amount), then 天山区's year total → 400
    b.eval("document.querySelector('#targets .unit').value = '天山区'")
    b.eval("document.getElementById('run-whatif').click()")
    expect('what-if error in place', b.wait("document.getElementById('whatif-error').textContent"),
           '「天山区」的新金额应为数字，如 3000 或 3000.5。')
    # the server's refusal, in place: 天山区 below its 已提前下达 (288) with no clawback
    b.eval("document.querySelector('#targets .amount').value = '200'")
    b.eval("document.getElementById('run-whatif').click()")
    expect('what-if refused in place', b.wait(
        "document.getElementById('whatif-error').textContent.startsWith('无法') && "
        "document.getElementById('whatif-error').textContent"),
        '无法重新分配：「天山区」的新全年合计 200 低于已提前下达的 288，而“不收回已下达资金”已勾选。'
        '请把金额设为不低于 288，或取消勾选“不收回已下达资金”。')
    if SHOTS:
        b.screenshot(os.path.join(SHOTS, 'web-error.png'), selector='#step-whatif')
    b.eval("document.querySelector('#targets .amount').value = '400'")
    b.eval("document.getElementById('add-target').click()")
    b.eval("document.querySelectorAll('#targets .unit')[1].value = '沙依巴克区'")
    b.eval("document.querySelectorAll('#targets .amount')[1].value = '350'")
    b.eval("document.getElementById('run-whatif').click()")
    b.wait("!document.getElementById('whatif-result').hidden || "
           "!document.getElementById('whatif-error').hidden")
    expect('what-if error', b.eval("document.getElementById('whatif-error').textContent"), '')
    expect('what-if summary', b.eval("[...document.querySelectorAll('#whatif-summary .big')]"
                                     ".map(e => e.textContent)"),
           ['「天山区」的' + TOTAL + '：331 → 400', '「沙依巴克区」的' + TOTAL + '：385 → 350'])
    changed = b.eval("[...document.querySelectorAll('#new-table td.changed')].map(td => "
                     "[td.parentElement.querySelector('td.name').textContent, td.textContent])")
    expect('changed cells marked', ['天山区', '400原 331'] in changed, True)
    expect('changes listed', b.eval("document.querySelectorAll('#changes tbody tr').length") > 0,
           True)
    if SHOTS:
        b.screenshot(os.path.join(SHOTS, 'web-whatif.png'), selector='#step-whatif',
                     max_height=1600)

    # download the what-if workbook and read it back
    b.eval("document.getElementById('dl-whatif').click()")
    end = time.time() + 30
    got = []
    while time.time() < end:
        got = [f for f in glob.glob(os.path.join(downloads, '*')) if not f.endswith('.crdownload')]
        if got:
            break
        time.sleep(0.1)
    expect('downloaded', [os.path.basename(f) for f in got], ['测算-新疆基本公卫第二批-改正.xlsx'])
    if got:
        time.sleep(0.3)
        wb = openpyxl.load_workbook(got[0])
        expect('workbook sheets', wb.sheetnames, ['新表', '变动', '参数'])
        sets = [r[1] for r in wb['参数'].iter_rows(values_only=True) if r[0] == '设定']
        expect('workbook targets', sets, ['天山区:' + TOTAL + '=400', '沙依巴克区:' + TOTAL + '=350'])
        rows = list(wb['变动'].iter_rows(values_only=True))
        flat = [c for r in rows for c in r]
        expect('workbook 变动 has 天山区', '天山区' in flat, True)
    # realloc's bounds under 更多条件: a floor and a unit held, shown in the summary
    b.eval("document.getElementById('bounds').open = true; "
           "document.getElementById('add-floor').click(); document.getElementById('add-fix').click()")
    b.eval("const f = document.querySelector('#floors .target'); "
           "f.querySelector('.column').value = '医养结合和老年健康服务'; "
           "f.querySelector('.amount').value = '2'; "
           "document.querySelector('#fixes .unit').value = '自治区本级合计'; "
           "document.getElementById('fit-rounds').value = 'x'")
    b.eval("document.getElementById('run-whatif').click()")
    expect('fit rounds refused in place', b.wait("document.getElementById('whatif-error').textContent"),
           '拟合轮数应为正整数，如 5000。')
    b.eval("document.getElementById('fit-rounds').value = '100'; "
           "document.getElementById('whatif-result').hidden = true; "
           "document.getElementById('run-whatif').click()")
    b.wait("!document.getElementById('whatif-result').hidden || "
           "!document.getElementById('whatif-error').hidden")
    expect('bounds shown', (b.eval("document.getElementById('whatif-error').textContent"),
                            b.eval("document.querySelectorAll('#whatif-summary p')[2].textContent")),
           ('', '条件：医养结合和老年健康服务 不低于 2；「自治区本级合计」保持不变。'))

    # 因素法: the hand-computed example (tests/data/allocate/README.md), then --into this table
    fnode = b.call('DOM.querySelector', nodeId=doc['root']['nodeId'], selector='#factors-file')
    b.call('DOM.setFileInputFiles', files=[os.path.join(SRC, 'tests/data/allocate/hand.csv')],
           nodeId=fnode['nodeId'])
    b.wait("document.querySelectorAll('#factor-names option').length === 3")
    expect('factor names offered', b.eval("[...document.querySelectorAll('#factor-names option')]"
                                          ".map(o => o.value)"), ['常住人口', '管理人数', '绩效得分'])
    b.eval("document.getElementById('add-weight').click(); "
           "document.getElementById('add-weight').click()")
    b.eval("const ws = [['常住人口', '0.6'], ['管理人数', '0.3'], ['绩效得分', '0.2']]; "
           "[...document.querySelectorAll('#weights .target')].forEach((r, i) => { "
           "r.querySelector('.factor').value = ws[i][0]; r.querySelector('.weight').value = ws[i][1]; })")
    b.eval("document.getElementById('alloc-total').value = '1000'; "
           "document.getElementById('alloc-base').value = '50'")
    b.eval("document.getElementById('run-allocate').click()")
    expect('allocate refused in place', b.wait("document.getElementById('allocate-error').textContent"),
           '字段 weights 的内容“常住人口=0.6,管理人数=0.3,绩效得分=0.2”不对：各因素的权重之和为 1.1，应恰为 1。')
    b.eval("document.querySelectorAll('#weights .weight')[2].value = '0.1'")
    b.eval("document.getElementById('run-allocate').click()")
    b.wait("!document.getElementById('allocate-result').hidden")
    expect('allocate error cleared', b.eval("document.getElementById('allocate-error').hidden"), True)
    expect('allocate summary', b.eval("document.querySelector('#allocate-summary .big').textContent"),
           '总额 1000 已分给 4 个末级单位（每个先得基数 50）。')
    expect('allocate shares', b.eval("[...document.querySelectorAll('#shares tbody tr')].map(tr => "
                                     "[...tr.children].map(td => td.textContent))"),
           [['总计 / 甲市 / A县', '30', '5', '90', '28.5000%', '278'],
            ['总计 / 甲市 / B县', '10', '5', '80', '16.1667%', '179'],
            ['总计 / 乙市 / C县', '40', '6', '70', '35.3333%', '333'],
            ['总计 / 乙市 / D县', '20', '4', '60', '20.0000%', '210']])
    expect('allocate tree', b.eval("[...document.querySelectorAll('#allocate-table tbody tr')].map(tr => "
                                   "[tr.querySelector('td.name').textContent, tr.lastChild.textContent])"),
           [['▾总计', '1000'], ['▾甲市', '457'], ['A县', '278'], ['B县', '179'], ['▾乙市', '543'],
            ['C县', '333'], ['D县', '210']])
    b.call('DOM.setFileInputFiles', files=[os.path.join(SRC, 'tests/data/allocate/xinjiang-factors.csv')],
           nodeId=fnode['nodeId'])
    expect('into offered', b.eval("document.getElementById('alloc-into').disabled"), False)
    b.eval("document.getElementById('alloc-into').click(); "
           "document.getElementById('alloc-into-column').value = '原基本公共卫生项目'; "
           "document.getElementById('alloc-total').value = '27000'; "
           "document.getElementById('alloc-base').value = ''")
    b.eval("document.getElementById('allocate-result').hidden = true; "
           "document.getElementById('run-allocate').click()")
    b.wait("!document.getElementById('allocate-result').hidden || "
           "!document.getElementById('allocate-error').hidden")
    expect('allocate into', (b.eval("document.getElementById('allocate-error').textContent"),
                             b.eval("document.querySelector('#allocate-table tbody tr td.changed')"
                                    ".textContent")), ('', '27000原 26455'))
    if SHOTS:
        b.screenshot(os.path.join(SHOTS, 'web-allocate.png'), selector='#step-allocate',
                     max_height=1600)

    # 方案比较: the corrected table against one with 天山区's 原基本公共卫生项目 changed
    other = os.path.join(tmp, '方案二.csv')
    open(other, 'w').write(change_cell(text, 10, 2, '400'))
    for sel, path in [('#compare-old', fixed), ('#compare-new', other)]:
        n = b.call('DOM.querySelector', nodeId=doc['root']['nodeId'], selector=sel)
        b.call('DOM.setFileInputFiles', files=[path], nodeId=n['nodeId'])
    b.eval("document.getElementById('run-compare').click()")
    b.wait("!document.getElementById('compare-result').hidden || "
           "!document.getElementById('compare-error').hidden")
    expect('compare summary', b.eval("document.querySelector('#compare-summary .big').textContent"),
           '原表「新疆基本公卫第二批-改正.csv」与新表「方案二.csv」：两表共有 119 个单位。')
    # 方案二 no longer adds up (天山区 changed alone): said in the summary, which turns red
    expect('compare warns of the table that does not add up',
           (b.eval("[...document.querySelectorAll('#compare-summary .warn-text')]"
                   ".map(p => p.textContent)"),
            b.eval("document.getElementById('compare-summary').className")),
           (['新表「方案二.csv」有 2 处平衡关系不成立（可在第 1 步审核它）：比较中它的小计和合计未必'
             '等于其各行之和。'], 'summary bad'))
    expect('compare total column unchanged', b.eval(
        "document.querySelector('#compare-table tbody').textContent"), '这一列没有变动的单位。')
    b.eval("const s = document.getElementById('compare-column'); s.value = '0'; "
           "s.dispatchEvent(new Event('change'))")
    expect('compare rows', b.eval("[...document.querySelectorAll('#compare-table tbody tr')].map(tr => "
                                  "[...tr.children].map(td => td.textContent))"),
           [['总计 / 地州合计 / 乌鲁木齐市 / 天山区', '316', '400', '+84', '+26.58%', '31', '23', '+8']])
    if SHOTS:
        b.screenshot(os.path.join(SHOTS, 'web-compare.png'), selector='#step-compare')
    for f in glob.glob(os.path.join(downloads, '*')):
        os.unlink(f)
    b.eval("document.getElementById('dl-compare-xlsx').click()")
    end = time.time() + 30
    got = []
    while time.time() < end:
        got = [f for f in glob.glob(os.path.join(downloads, '*')) if not f.endswith('.crdownload')]
        if got:
            break
        time.sleep(0.1)
    expect('compare downloaded', [os.path.basename(f) for f in got], ['方案比较.xlsx'])
    if got:
        time.sleep(0.3)
        expect('compare workbook', openpyxl.load_workbook(got[0]).sheetnames[0], '汇总')

    # the console stayed clean (no CSP violation, no script error)
    errors = [e for e in b.events if e.get('method') == 'Runtime.exceptionThrown' or
              (e.get('method') == 'Runtime.consoleAPICalled' and
               e['params'].get('type') == 'error')]
    expect('no script errors', errors, [])
finally:
    b.close()
    rc, log = srv.stop()
    shutil.rmtree(tmp, ignore_errors=True)
expect('server stopped', rc, 0)
for f in failures:
    print('FAIL', f)
print('browser_test: %d failure(s)' % len(failures))
sys.exit(1 if failures else 0)
