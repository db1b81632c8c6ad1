#!/usr/bin/python3
# api_test.py — fenpei serve's HTTP API on 127.0.0.1: every endpoint, every error status, the
# same bytes as the command line, and 32 concurrent requests each getting its own table back.
# usage: api_test.py FENPEI_BINARY
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_util  # noqa: E402
from serve_util import Server, change_cell, post_form, request, source_dir  # noqa: E402

import openpyxl  # noqa: E402

FENPEI = os.path.abspath(sys.argv[1])
SRC = source_dir()
NAME = 'xinjiang-2024-basic-public-health-batch2.csv'
TABLE_PATH = os.path.join(SRC, 'allocations', NAME)
TABLE = open(TABLE_PATH, 'rb').read()
TEXT = TABLE.decode()
TOTAL = '全年应拨付资金合计'
failures = []


def expect(what, got, want):
    if got != want:
        failures.append('%s: expected %r, got %r' % (what, want, got))


def cli(*args, cwd=None):
    return subprocess.run([FENPEI, *args], capture_output=True, cwd=cwd)


def security_headers(what, h):
    expect(what + ' CSP', h.get('content-security-policy', '').startswith("default-src 'self'"),
           True)
    expect(what + ' nosniff', h.get('x-content-type-options'), 'nosniff')


def error_of(body):
    return json.loads(body.decode())['error']


srv = Server(FENPEI, '--max-upload', '64K', '--threads', '4')
port = srv.port
tmp = tempfile.mkdtemp(prefix='fenpei-api-')
try:
    # ---- the page ----
    for path, ctype in [('/', 'text/html'), ('/app.js', 'text/javascript'),
                        ('/style.css', 'text/css')]:
        st, h, body = request(port, 'GET', path)
        expect('GET ' + path, st, 200)
        expect('GET %s type' % path, h.get('content-type'), ctype + '; charset=utf-8')
        security_headers('GET ' + path, h)
        page_file = {'/': 'index.html'}.get(path, path[1:])
        want = open(os.path.join(SRC, 'src/serve/page', page_file), 'rb').read()
        expect('GET %s: the file embedded at build time (%d bytes) is the source (%d bytes)'
               % (path, len(body), len(want)), body == want, True)
    st, h, body = request(port, 'HEAD', '/')
    expect('HEAD /', (st, body), (200, b''))

    # ---- 404, 405 ----
    st, h, body = request(port, 'GET', '/nope')
    expect('GET /nope', (st, error_of(body)), (404, '没有这个页面。'))
    security_headers('404', h)
    st, h, body = request(port, 'GET', '/etc/passwd?lang=en')
    expect('GET /etc/passwd', (st, error_of(body)), (404, 'no such page.'))
    st, h, body = request(port, 'GET', '/a%0A2026-01-01T00:00:00Z%20GET%20/forged%20200')
    expect('GET with a newline in the path', st, 404)
    st, h, body = request(port, 'GET', '/api/check')
    expect('GET /api/check', (st, h.get('allow'), error_of(body)),
           (405, 'POST', '这个接口只接受 POST 上传的表格。'))
    security_headers('405', h)
    st, h, body = request(port, 'PUT', '/api/realloc', b'x')
    expect('PUT /api/realloc', (st, h.get('allow')), (405, 'POST'))
    st, h, body = request(port, 'POST', '/', b'x')
    expect('POST /', (st, h.get('allow')), (405, 'GET, HEAD'))

    # ---- check: the same JSON as `fenpei check --format json` ----
    st, h, body = post_form(port, '/api/check', [('file', (NAME, TABLE))])
    want = cli('check', '--format', 'json', NAME, cwd=os.path.dirname(TABLE_PATH)).stdout
    expect('check status', st, 200)
    expect('check type', h.get('content-type'), 'application/json; charset=utf-8')
    expect('check = CLI JSON', body, want)
    security_headers('check', h)

    # a county mistyped (天山区 原基本公共卫生项目 316 → 361): its cause and suggested value
    typo = change_cell(TEXT, 10, 2, '361').encode()
    open(os.path.join(tmp, 't1.csv'), 'wb').write(typo)
    st, h, body = post_form(port, '/api/check', [('file', ('t1.csv', typo))])
    expect('check typo = CLI JSON', body,
           cli('check', '--format', 'json', 't1.csv', cwd=tmp).stdout)
    j = json.loads(body)
    expect('typo errors', j['errors'], 2)
    cell = j['findings'][0]['cause']['cells'][0]
    expect('typo cause', (j['findings'][0]['cause']['kind'], cell['unit'], cell['stated'],
                          cell['suggested']), ('typo', '天山区', '361', '316'))
    # ?table=1 adds the table for the page, the rest unchanged
    st, h, body = post_form(port, '/api/check?table=1', [('file', ('t1.csv', typo))])
    jt = json.loads(body)
    expect('table rows', len(jt['table']['rows']), 119)
    expect('table row 10', jt['table']['rows'][8]['cells'][1:3], ['天山区', '361'])
    del jt['table']
    expect('table=1 keeps the check', jt, j)
    # a user rule, and the pasted-text field
    st, h, body = post_form(port, '/api/check', [('text', TEXT), ('rule', TOTAL + ' = 已提前下达 + 此次下达')])
    expect('rule', (st, json.loads(body)['rules'][-1]), (200, TOTAL + ' = 已提前下达 + 此次下达'))
    expect('pasted text named', json.loads(body)['file'], '粘贴的表格')
    # a notice's text pasted into the page (urlencoded form): the notice layout is detected
    notice = open(os.path.join(SRC, 'tests/data/notice/fault-lost-row.txt'), 'rb').read()
    from urllib.parse import quote_from_bytes
    st, h, body = request(port, 'POST', '/api/check', b'text=' + quote_from_bytes(notice).encode(),
                          {'Content-Type': 'application/x-www-form-urlencoded'})
    j = json.loads(body)
    expect('pasted notice', (st, j['unit'], j['findings'][0]['cause']['kind']),
           (200, '万元', 'missing-row'))
    # an upload's name is only a label: its path is dropped, a long one cut on a character
    st, h, body = post_form(port, '/api/check', [('file', ('../../etc/' + '表' * 60 + '.csv', TABLE))])
    expect('upload name', json.loads(body)['file'], '表' * 33)
    # an XLSX upload (LibreOffice's)
    xlsx = open(os.path.join(SRC, 'tests/data/xlsx/lo-from-csv.xlsx'), 'rb').read()
    st, h, body = post_form(port, '/api/check', [('file', ('lo.xlsx', xlsx))])
    expect('xlsx upload', (st, json.loads(body)['rows'], json.loads(body)['errors']), (200, 119, 0))
    # the audit workbook
    st, h, body = post_form(port, '/api/check?format=xlsx', [('file', ('t1.csv', typo))])
    expect('audit status', st, 200)
    expect('audit disposition', h.get('content-disposition'), 'attachment; filename="audit.xlsx"')
    wb = openpyxl.load_workbook(io.BytesIO(body))
    expect('audit sheets', '问题清单' in wb.sheetnames, True)

    # ---- realloc ----
    sets = [('set', '天山区:' + TOTAL + '=400'), ('no_clawback', '1')]
    st, h, body = post_form(port, '/api/realloc', [('file', (NAME, TABLE))] + sets)
    expect('realloc status', st, 200)
    j = json.loads(body)
    expect('realloc target', j['summary']['targets'],
           [{'unit': '天山区', 'column': TOTAL, 'before': '331', 'after': '400'}])
    tcol = [c['name'] for c in j['columns']].index(TOTAL)
    row = [r for r in j['table'] if r['name'] == '天山区'][0]
    expect('realloc 天山区', (row['cells'][tcol], tcol in row['changed']), ('400', True))
    expect('realloc change list', {(c['unit'], c['column'], c['old'], c['new'])
                                   for c in j['changes'] if c['unit'] == '天山区'
                                   and c['column'] == TOTAL}, {('天山区', TOTAL, '331', '400')})
    expect('realloc changes counted', len(j['changes']), j['summary']['changed_cells'])
    # CSV: the same bytes as `fenpei realloc -o`
    st, h, body = post_form(port, '/api/realloc?format=csv', [('file', (NAME, TABLE))] + sets)
    out = os.path.join(tmp, 'new.csv')
    cli('realloc', TABLE_PATH, '--set', '天山区:' + TOTAL + '=400', '--no-clawback', '-o', out)
    expect('realloc csv = CLI', (st, body), (200, open(out, 'rb').read()))
    # the new table checks clean
    st, h, b2 = post_form(port, '/api/check', [('file', ('new.csv', body))])
    expect('realloc result checks', json.loads(b2)['errors'], 0)
    st, h, body = post_form(port, '/api/realloc?format=xlsx', [('file', (NAME, TABLE))] + sets +
                            [('method', 'hamilton')])
    wb = openpyxl.load_workbook(io.BytesIO(body))
    expect('whatif sheets', wb.sheetnames, ['新表', '变动', '参数'])
    params = {r[0]: r[1] for r in wb['参数'].iter_rows(values_only=True) if r[0]}
    expect('whatif params', (params.get('方法'), params.get('设定'), params.get('不收回已下达资金')),
           ('hamilton', '天山区:' + TOTAL + '=400', '是'))

    # ---- notice: the same bytes as `fenpei notice` ----
    st, h, body = post_form(port, '/api/notice', [('file', (NAME, TABLE)), ('title', '测试标题')])
    out = os.path.join(tmp, 'n.xlsx')
    cli('notice', TABLE_PATH, '--title', '测试标题', '-o', out)
    expect('notice = CLI', (st, h.get('content-disposition'), body),
           (200, 'attachment; filename="notice.xlsx"', open(out, 'rb').read()))

    # realloc's bounds: min, fix, fit_rounds — the same bytes as --min, --fix, --fit-rounds
    bounds = [('set', '总计:' + TOTAL + '=30000'), ('min', '医养结合和老年健康服务=2'),
              ('fix', '自治区本级合计'), ('fit_rounds', '100')]
    st, h, body = post_form(port, '/api/realloc?format=csv', [('file', (NAME, TABLE))] + bounds)
    out = os.path.join(tmp, 'bounds.csv')
    r = cli('realloc', TABLE_PATH, '--set', '总计:' + TOTAL + '=30000', '--min',
            '医养结合和老年健康服务=2', '--fix', '自治区本级合计', '--fit-rounds', '100', '-o', out)
    expect('realloc bounds CLI ran', r.returncode, 0)
    expect('realloc bounds csv = CLI', (st, body), (200, open(out, 'rb').read()))
    st, h, body = post_form(port, '/api/realloc', [('file', (NAME, TABLE))] + bounds)
    j = json.loads(body)
    expect('realloc bounds summary', (st, j['summary']['min'], j['summary']['fix'],
                                      j['summary']['fit_rounds']),
           (200, [{'column': '医养结合和老年健康服务', 'amount': '2'}], ['自治区本级合计'], 100))
    fixed_rows = [r for r in j['table'] if r['name'] == '自治区本级合计']
    expect('fixed row unchanged', (fixed_rows[0]['changed'], fixed_rows[0]['cells'][8]), ([], '2185'))
    ycol = [c['name'] for c in j['columns']].index('医养结合和老年健康服务')
    leaves = [r for r in j['table'] if r['depth'] == 3 and not r['name'].startswith('其中')]
    expect('min respected', min(int(r['cells'][ycol] or 0) for r in leaves) >= 2, True)
    st, h, body = post_form(port, '/api/realloc', [('file', (NAME, TABLE))] + bounds[:1])
    j = json.loads(body)
    expect('realloc without bounds', (j['summary']['min'], j['summary']['fix'],
                                      j['summary']['fit_rounds']), ([], [], None))
    st, h, body = post_form(port, '/api/realloc?format=xlsx', [('file', (NAME, TABLE))] + bounds)
    wb = openpyxl.load_workbook(io.BytesIO(body))
    params = [(r[0], r[1]) for r in wb['参数'].iter_rows(values_only=True) if r[0]]
    expect('whatif params of bounds', [p for p in params if p[0] in ('下限', '固定')],
           [('下限', '医养结合和老年健康服务=2'), ('固定', '自治区本级合计')])

    # ---- allocate: the factor method (因素法), the same bytes as `fenpei allocate -o` ----
    ADIR = os.path.join(SRC, 'tests/data/allocate')
    HAND = open(os.path.join(ADIR, 'hand.csv'), 'rb').read()
    FACT = open(os.path.join(ADIR, 'xinjiang-factors.csv'), 'rb').read()
    WEIGHTS = '常住人口=0.6,管理人数=0.3,绩效得分=0.1'
    hand = [('file', ('hand.csv', HAND)), ('total', '1000'), ('base', '50'), ('weights', WEIGHTS)]
    st, h, body = post_form(port, '/api/allocate', hand)
    j = json.loads(body)
    expect('allocate status', (st, h.get('content-type')), (200, 'application/json; charset=utf-8'))
    expect('allocate summary', j['summary'],
           {'file': 'hand.csv', 'into': None, 'column': '分配金额', 'total': '1000', 'base': '50',
            'unit': '1', 'leaves': 4, 'clawbacks': None,
            'weights': [{'column': '常住人口', 'weight': '0.6'}, {'column': '管理人数', 'weight': '0.3'},
                        {'column': '绩效得分', 'weight': '0.1'}]})
    # tests/data/allocate/README.md, by hand: A 278, B 179, C 333, D 210; 甲市 457, 乙市 543
    expect('allocate shares', [(x['unit'], x['share'], x['amount'], x['factors'])
                               for x in j['shares']],
           [('A县', '0.285000', '278', ['30', '5', '90']), ('B县', '0.161667', '179', ['10', '5', '80']),
            ('C县', '0.353333', '333', ['40', '6', '70']), ('D县', '0.200000', '210', ['20', '4', '60'])])
    expect('allocate table', [(r['name'], r['depth'], r['cells'][-1]) for r in j['table']],
           [('总计', 0, '1000'), ('甲市', 1, '457'), ('A县', 2, '278'), ('B县', 2, '179'),
            ('乙市', 1, '543'), ('C县', 2, '333'), ('D县', 2, '210')])
    expect('allocate columns', [c['name'] for c in j['columns']],
           ['单位', '常住人口', '管理人数', '绩效得分', '分配金额'])
    for extra, args in [([], []), ([('column', '分配额'), ('unit', '10')], ['--column', '分配额', '--unit', '10'])]:
        st, h, body = post_form(port, '/api/allocate?format=csv', hand + extra)
        out = os.path.join(tmp, 'alloc.csv')
        if os.path.exists(out):
            os.unlink(out)
        r = cli('allocate', os.path.join(ADIR, 'hand.csv'), '--total', '1000', '--base', '50',
                '--weights', WEIGHTS, *args, '-o', out)
        expect('allocate csv %s = CLI' % args, (st, h.get('content-disposition'), body),
               (200, 'attachment; filename="allocate.csv"', open(out, 'rb').read()))
    # a factor whose name holds the bytes of '，' (会: E4 BC 9A), full-width commas between
    SH = '级次,单位,社会人口,面积\n0,总计,,\n1,甲,10,1\n1,乙,30,3\n'.encode()
    open(os.path.join(tmp, 'sh.csv'), 'wb').write(SH)
    st, h, body = post_form(port, '/api/allocate?format=csv', [('file', ('sh.csv', SH)), ('total', '100'),
                                                               ('weights', '社会人口=0.5，面积=0.5')])
    os.unlink(out)
    r = cli('allocate', 'sh.csv', '--total', '100', '--weights', '社会人口=0.5，面积=0.5', '-o', out, cwd=tmp)
    expect('allocate 社会人口 = CLI', (st, r.returncode, body),
           (200, 0, '级次,单位,社会人口,面积,分配金额\n0,总计,,,100\n1,甲,10,1,25\n1,乙,30,3,75\n'.encode()))
    expect('allocate 社会人口 CLI bytes', open(out, 'rb').read(), body)
    # the factors as a workbook (openpyxl's): told apart by content, the same answer as the CLI's
    wb = openpyxl.Workbook()
    for line in HAND.decode().splitlines():
        wb.active.append([int(c) if c.isdigit() else c for c in line.split(',')])
    wb.save(os.path.join(tmp, 'hand.xlsx'))
    st, h, body = post_form(port, '/api/allocate?format=csv', [('file', ('hand.xlsx', open(os.path.join(tmp, 'hand.xlsx'), 'rb').read()))] + hand[1:])
    os.unlink(out)
    cli('allocate', os.path.join(tmp, 'hand.xlsx'), '--total', '1000', '--base', '50', '--weights', WEIGHTS, '-o', out)
    expect('allocate xlsx upload = CLI', (st, body), (200, open(out, 'rb').read()))
    # --into: the new 原基本公共卫生项目 of the bundled table, its subtotals, 全年 and 此次下达
    into = [('file', ('xinjiang-factors.csv', FACT)), ('into', (NAME, TABLE)), ('total', '27000'),
            ('weights', WEIGHTS), ('column', '原基本公共卫生项目')]
    st, h, body = post_form(port, '/api/allocate?format=csv', into)
    os.unlink(out)
    r = cli('allocate', os.path.join(ADIR, 'xinjiang-factors.csv'), '--total', '27000', '--weights',
            WEIGHTS, '--into', TABLE_PATH, '--column', '原基本公共卫生项目', '-o', out)
    expect('allocate into csv = CLI', (st, body), (200, open(out, 'rb').read()))
    st, h, b2 = post_form(port, '/api/check', [('file', ('into.csv', body))])
    expect('allocate into checks clean', json.loads(b2)['errors'], 0)
    st, h, body = post_form(port, '/api/allocate', into)
    j = json.loads(body)
    expect('allocate into summary', (j['summary']['into'], j['summary']['column'],
                                     j['table'][0]['cells'][2], len(j['table']), j['shares'][0]['amount']),
           (NAME, '原基本公共卫生项目', '27000', 119, None))
    expect('allocate into marks changes', 2 in j['table'][0]['changed'], True)
    bcol = [c['name'] for c in j['columns']].index('此次下达')
    expect('allocate into clawbacks counted', j['summary']['clawbacks'],
           sum(1 for r in j['table'] if r['cells'][bcol].startswith('-')))
    expect('allocate into has clawbacks', j['summary']['clawbacks'] > 0, True)
    expect('allocate shares add up', sum(int(x['share'].replace('.', '')) for x in j['shares'])
           in range(1000000 - len(j['shares']), 1000000 + len(j['shares'])), True)

    # ---- compare: the same bytes as `fenpei compare` (json, csv, --xlsx) ----
    cmp_dir = os.path.join(tmp, 'cmp')
    os.mkdir(cmp_dir)
    NEW = open(os.path.join(tmp, 'bounds.csv'), 'rb').read()
    open(os.path.join(cmp_dir, 'old.csv'), 'wb').write(TABLE)
    open(os.path.join(cmp_dir, 'new.csv'), 'wb').write(NEW)
    pair = [('old', ('old.csv', TABLE)), ('new', ('new.csv', NEW))]
    st, h, body = post_form(port, '/api/compare', pair)
    expect('compare json = CLI', (st, h.get('content-type'), body),
           (200, 'application/json; charset=utf-8',
            cli('compare', 'old.csv', 'new.csv', '--format', 'json', cwd=cmp_dir).stdout))
    j = json.loads(body)
    tj = [u for u in j['units'] if u['unit'] == '天山区'][0]
    expect('compare 天山区', (tj['in'], tj['values'][6]['column'], tj['values'][6]['old']),
           ('both', TOTAL, 331))
    st, h, body = post_form(port, '/api/compare?format=csv', pair)
    expect('compare csv = CLI', (st, h.get('content-disposition'), body),
           (200, 'attachment; filename="compare.csv"', cli('compare', 'old.csv', 'new.csv', cwd=cmp_dir).stdout))
    st, h, body = post_form(port, '/api/compare?format=xlsx', pair)
    cli('compare', 'old.csv', 'new.csv', '--xlsx', 'c.xlsx', cwd=cmp_dir)
    expect('compare xlsx = CLI', (st, h.get('content-disposition'), body),
           (200, 'attachment; filename="compare.xlsx"', open(os.path.join(cmp_dir, 'c.xlsx'), 'rb').read()))
    wb = openpyxl.load_workbook(io.BytesIO(body))
    expect('compare sheets', wb.sheetnames[0], '汇总')
    # same request, same bytes (the workbook included)
    expect('compare xlsx twice', post_form(port, '/api/compare?format=xlsx', pair)[2], body)
    st, h, b1 = post_form(port, '/api/allocate', into)
    expect('allocate twice', post_form(port, '/api/allocate', into)[2], b1)
    # a unit only in the new table (天山区 renamed)
    renamed = TEXT.replace('天山区', '天山新区').encode()
    st, h, body = post_form(port, '/api/compare', [('old', ('old.csv', TABLE)), ('new', ('r.csv', renamed))])
    ins = {u['unit']: u['in'] for u in json.loads(body)['units']}
    expect('compare only in one', (ins.get('天山区'), ins.get('天山新区')), ('old', 'new'))

    # ---- 400, 413, 422: every error in place, Chinese by default, English with lang=en ----
    cases = [
        ('/api/check', [('title', 'x')], 400, '没有收到表格：请选择文件，或粘贴表格文字。'),
        ('/api/check', [('file', ('a.csv', b'\xff\xfe\x00garbage'))], 400, None),
        ('/api/check', [('file', ('a.csv', b'a,b\n'))], 400, None),
        ('/api/check?format=csv', [('file', (NAME, TABLE))], 400, '检查结果只能是 json 或 xlsx。'),
        ('/api/check?format=pdf', [('file', (NAME, TABLE))], 400, 'format 只能是 json、csv 或 xlsx。'),
        ('/api/check', [('file', (NAME, TABLE)), ('rule', '合计 = = 1')], 400, None),
        ('/api/realloc', [('file', (NAME, TABLE))], 400, '请至少设定一项新金额（单位、列和金额）。'),
        ('/api/realloc', [('file', (NAME, TABLE)), ('set', '天山区=400')], 400,
         '设定“天山区=400”的写法不对：应为 单位:列=金额，如 巴州:全年应拨付资金合计=3000。'),
        ('/api/realloc', [('file', (NAME, TABLE)), ('set', '火星:' + TOTAL + '=1')], 422, None),
        ('/api/realloc', [('file', (NAME, TABLE)), ('set', '天山区:' + TOTAL + '=1'),
                          ('method', 'magic')], 400, None),
        ('/api/realloc', [('file', (NAME, TABLE)), ('set', '沙依巴克区:' + TOTAL + '=300'),
                          ('no_clawback', 'on')], 422,
         '无法重新分配：「沙依巴克区」的新全年合计 300 低于已提前下达的 334，而“不收回已下达资金”'
         '已勾选。请把金额设为不低于 334，或取消勾选“不收回已下达资金”。'),
        ('/api/notice', [('file', ('t1.csv', typo))], 422,
         '表格有 2 处不平衡，不能生成下达文件；请先检查并改正。'),
        # realloc's bounds
        ('/api/realloc', [('file', (NAME, TABLE)), ('set', '天山区:' + TOTAL + '=400'),
                          ('min', '医养结合和老年健康服务')], 400,
         '下限“医养结合和老年健康服务”的写法不对：应为 列=金额，如 医养结合和老年健康服务=2。'),
        ('/api/realloc', [('file', (NAME, TABLE)), ('set', '天山区:' + TOTAL + '=400'),
                          ('min', '医养结合和老年健康服务=abc')], 400, None),
        ('/api/realloc', [('file', (NAME, TABLE)), ('set', '天山区:' + TOTAL + '=400'),
                          ('min', '不存在=2')], 422, None),
        ('/api/realloc', [('file', (NAME, TABLE)), ('set', '天山区:' + TOTAL + '=400'),
                          ('fix', '火星')], 422, '无法重新分配「%s」：表中没有这个单位（内容“火星”）。' % NAME),
        ('/api/realloc', [('file', (NAME, TABLE)), ('set', '天山区:' + TOTAL + '=400'),
                          ('fit_rounds', '0')], 400, '拟合轮数“0”不对：应为 1 到 10000000 的整数，如 5000。'),
        ('/api/realloc', [('file', (NAME, TABLE)), ('set', '天山区:' + TOTAL + '=400'),
                          ('fit_rounds', '12x')], 400, '拟合轮数“12x”不对：应为 1 到 10000000 的整数，如 5000。'),
        ('/api/realloc', [('file', (NAME, TABLE)), ('set', '天山区:' + TOTAL + '=400'),
                          ('fit_rounds', '10000001')], 400,
         '拟合轮数“10000001”不对：应为 1 到 10000000 的整数，如 5000。'),
        # allocate
        ('/api/allocate', hand[1:], 400, '没有收到因素表：请选择文件（字段 file）。'),
        ('/api/allocate', [hand[0], hand[3]], 400, '请填写要分配的总额（字段 total），如 27000。'),
        ('/api/allocate', hand[:3], 400,
         '请填写各因素及其权重（字段 weights），如 常住人口=0.6,管理人数=0.3,绩效得分=0.1。'),
        ('/api/allocate', hand[:3] + [('weights', '常住人口=0.6,管理人数=0.3')], 400,
         '字段 weights 的内容“常住人口=0.6,管理人数=0.3”不对：各因素的权重之和为 0.9，应恰为 1。'),
        ('/api/allocate', hand[:3] + [('weights', '常住人口=0.6，管理人数=0.3，绩效得分=0.2')], 400,
         '字段 weights 的内容“常住人口=0.6，管理人数=0.3，绩效得分=0.2”不对：各因素的权重之和为 1.1，应恰为 1。'),
        ('/api/allocate', hand[:3] + [('weights', '常住人口0.6')], 400,
         '字段 weights 的内容“常住人口0.6”不对：应为 因素列=权重，以逗号分隔，如 常住人口=0.6,管理人数=0.3,绩效得分=0.1。'),
        ('/api/allocate', hand[:3] + [('weights', '常住人口=1.2,管理人数=-0.2')], 400,
         '字段 weights 的内容“常住人口=1.2,管理人数=-0.2”不对：“管理人数”的权重“-0.2”应为不小于 0 的小数，如 0.6。'),
        ('/api/allocate', [hand[0], ('total', '一千'), hand[3]], 400,
         '字段 total 的内容“一千”不对：应为不小于 0 的金额，如 27000。'),
        ('/api/allocate', [hand[0], ('total', '1000'), ('base', '-5'), hand[3]], 400,
         '字段 base 的内容“-5”不对：应为不小于 0 的金额，如 27000。'),
        ('/api/allocate', [hand[0], ('total', '1000.5'), hand[3]], 400, '总额和基数应为取整单位 1 的整数倍。'),
        ('/api/allocate', hand + [('unit', '0')], 400, '字段 unit 的内容“0”不对：应为正数，如 1 或 0.01。'),
        ('/api/allocate?format=xlsx', hand, 400, '因素法分配的结果只能是 json 或 csv。'),
        ('/api/allocate', hand + [('into', (NAME, TABLE))], 400,
         '填入分配表时请给出要填入的类别列（字段 column），如 原基本公共卫生项目。'),
        ('/api/allocate', [('file', ('f.csv', b'\xff\xfe\x00garbage'))] + hand[1:], 400, None),
        ('/api/allocate', hand + [('into', ('t.csv', b'a,b\n')), ('column', 'b')], 400, None),
        ('/api/allocate', hand[:3] + [('weights', '人口=1')], 422,
         '因素表「hand.csv」中没有“人口”列：请检查 weights 中的列名。'),
        ('/api/allocate', [('file', ('h.csv', HAND.replace(b'B\xe5\x8e\xbf,10,', b'B\xe5\x8e\xbf,,')))] + hand[1:],
         422, '因素表「h.csv」第 5 行「B县」缺少“常住人口”（空单元格）：每个末级单位都要有每个因素的数值。'),
        ('/api/allocate', [('file', ('h.csv', HAND.replace(b'B\xe5\x8e\xbf,10,', b'B\xe5\x8e\xbf,-10,')))] + hand[1:],
         422, '因素表「h.csv」第 5 行「B县」的“常住人口”为 -10：因素不能为负数。'),
        ('/api/allocate', [('file', ('z.csv', '级次,单位,人口,面积\n0,总计,,\n1,甲,0,1\n1,乙,0,2\n'.encode()))]
         + hand[1:3] + [('weights', '人口=0.5,面积=0.5')], 422,
         '因素表「z.csv」中“人口”在所有末级单位都是 0，无法按它分配。'),
        ('/api/allocate', [hand[0], ('total', '100'), hand[2], hand[3]], 422,
         '总额 100 不够给 4 个末级单位各 50 的基数：请提高总额或降低基数。'),
        ('/api/allocate', hand + [('into', (NAME, TABLE)), ('column', '原基本公共卫生项目')], 422,
         '无法按因素法分配：「自治区卫生健康委」（%s 第 4 行）在「hand.csv」中没有对应的末级行；'
         '两张表的末级单位须一一对应（名称相同，或自上而下的路径相同）。' % NAME),
        # compare
        ('/api/compare', [('new', ('new.csv', TABLE))], 400, '没有收到原表：请选择文件（字段 old）。'),
        ('/api/compare', [('old', ('old.csv', TABLE))], 400, '没有收到新表：请选择文件（字段 new）。'),
        ('/api/compare', [('old', ('old.csv', TABLE)), ('new', ('n.csv', b'\xe5\x8d\x95\xe4\xbd\x8d,\xe5\x90\x88\xe8\xae\xa1\n\xe7\x94\xb2,abc\n'))],
         400, None),
        ('/api/compare', [('old', ('old.csv', TABLE)), ('new', ('hand.csv', HAND))], 422,
         '无法比较：「old.csv」和「hand.csv」没有列名相同的金额列。'),
    ]
    for path, fields, status, message in cases:
        st, h, body = post_form(port, path, fields)
        msg = error_of(body)
        expect('%s %s status' % (path, fields[-1][0]), st, status)
        if message:
            expect('%s message' % path, msg, message)
        # Chinese, and naming the uploaded file where there is one
        expect('%s in Chinese: %s' % (path, msg), any('\u4e00' <= ch <= '\u9fff' for ch in msg),
               True)
        st, h, body = post_form(port, path + ('&' if '?' in path else '?') + 'lang=en', fields)
        msg = error_of(body)
        expect('%s in English: %s' % (path, msg),
               re.search(r'[a-z]{2,} [a-z]{2,}', msg) is not None, True)
    st, h, body = post_form(port, '/api/realloc', [('file', (NAME, TABLE)),
                                                  ('set', '火星:' + TOTAL + '=1')])
    expect('unknown unit names it', '火星' in error_of(body), True)
    st, h, body = post_form(port, '/api/check', [('file', ('bad.csv', b'\xe5\x8d\x95\xe4\xbd\x8d,\xe5\x90\x88\xe8\xae\xa1\n\xe7\x94\xb2,abc\n'))])
    expect('bad amount names the cell', (st, '「bad.csv」' in error_of(body), 'abc' in error_of(body)),
           (400, True, True))
    # not a form
    st, h, body = request(port, 'POST', '/api/check', b'{}', {'Content-Type': 'application/json'})
    expect('json body', (st, error_of(body)), (400, '请以 multipart/form-data 表单上传（字段 file 为表格）。'))
    # too large, announced (Content-Length) and chunked
    big = [('file', ('big.csv', TABLE * 20))]
    st, h, body = post_form(port, '/api/check', big)
    expect('413', (st, error_of(body)), (413, '上传的文件太大：本服务最多接受 64 KB。'))
    security_headers('413', h)
    from serve_util import multipart
    mbody, ctype = multipart(big)
    import http.client
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
    try:
        c.request('POST', '/api/check?lang=en', body=iter([mbody[i:i + 8192]
                                                           for i in range(0, len(mbody), 8192)]),
                  headers={'Content-Type': ctype}, encode_chunked=True)
        r = c.getresponse()
        expect('413 chunked', (r.status, error_of(r.read())),
               (413, 'the upload is too large: this server accepts at most 64 KB.'))
    except (BrokenPipeError, ConnectionResetError) as e:
        failures.append('413 chunked: connection broken before the answer: %r' % e)
    finally:
        c.close()

    # ---- 32 concurrent requests, each with a different county changed ----
    lines = TEXT.split('\n')
    counties = [i + 1 for i, l in enumerate(lines) if l.startswith('3,')][:32]
    expect('32 counties', len(counties), 32)
    results = {}

    def one(k, line):
        cells = lines[line - 1].split(',')
        wrong = str(int(cells[2]) + 1000 + k)
        body = change_cell(TEXT, line, 2, wrong).encode()
        st, h, b = post_form(port, '/api/check', [('file', ('c%d.csv' % k, body))])
        results[k] = (st, json.loads(b), cells[1], cells[2], wrong)

    threads = [threading.Thread(target=one, args=(k, line)) for k, line in enumerate(counties)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(32):
        st, j, unit, right, wrong = results[k]
        cause_cells = {(c['unit'], c['stated'], c['suggested']) for f in j['findings']
                       if 'cause' in f for c in f['cause']['cells']}
        expect('concurrent %d' % k, (st, j['file'], cause_cells),
               (200, 'c%d.csv' % k, {(unit, wrong, right)}))

    # ---- 8 concurrent audit workbooks (written through memory files): each its own county ----
    books = {}

    def book(k, line):
        cells = lines[line - 1].split(',')
        body = change_cell(TEXT, line, 2, str(int(cells[2]) + 500 + k)).encode()
        st, h, b = post_form(port, '/api/check?format=xlsx', [('file', ('w%d.csv' % k, body))])
        wb = openpyxl.load_workbook(io.BytesIO(b))
        text = {str(v) for row in wb['问题清单'].iter_rows(values_only=True) for v in row if v}
        books[k] = (st, cells[1], text)

    picked = counties[::4]
    threads = [threading.Thread(target=book, args=(k, line)) for k, line in enumerate(picked)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    names = [lines[line - 1].split(',')[1] for line in picked]
    for k in range(len(picked)):
        st, unit, text = books[k]
        mentioned = [n for n in names if any(n in v for v in text)]
        expect('concurrent workbook %d' % k, (st, mentioned), (200, [unit]))
finally:
    rc, log = srv.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    requests_sent = serve_util.sent[0]

expect('SIGTERM exit status', rc, 0)

# the command line of serve
for args, status, text in [
        (['--listen', 'here:80'], 2, 'is not an IP address'),
        (['--listen', '127.0.0.1:99999'], 2, '--listen: expected PORT or ADDRESS:PORT'),
        (['--max-upload', '0'], 2, '--max-upload: expected a size such as 20M'),
        (['--max-upload', '5X'], 2, '--max-upload: expected a size such as 20M'),
        (['--threads', '0'], 2, '--threads: expected a number from 1 to 256'),
        (['--max-rows', 'x'], 2, '--max-rows: expected a number'),
        (['--bogus'], 2, 'unknown option --bogus'),
        (['extra'], 2, 'unexpected argument "extra"'),
        (['--help'], 0, '用法：fenpei serve'),
        (['--help', '--lang', 'en'], 0, 'usage: fenpei serve')]:
    r = subprocess.run([FENPEI, 'serve', *args], capture_output=True, timeout=30)
    out = (r.stdout + r.stderr).decode()
    expect('serve %s' % args, (r.returncode, text in out), (status, True))
# a port in use: exit 2 with a message
other = Server(FENPEI, '--max-rows', '100')
st, h, body = post_form(other.port, '/api/check', [('file', (NAME, TABLE))])
expect('--max-rows', (st, error_of(body)), (413, '表格太大：共 119 行，本服务最多处理 100 行。'))
r = subprocess.run([FENPEI, 'serve', '--listen', '127.0.0.1:%d' % other.port], capture_output=True,
                   timeout=30)
expect('port in use', (r.returncode, 'cannot listen on 127.0.0.1:%d' % other.port in r.stderr.decode()),
       (2, True))
# SIGINT stops it too
other.proc.send_signal(2)
other.proc.wait(timeout=30)
expect('SIGINT exit status', other.proc.returncode, 0)
log_lines = [l for l in log.splitlines() if ' /' in l]
expect('a log line per request', len(log_lines), requests_sent + 1)  # + the chunked one
expect('log line form', all(len(l.split()) >= 6 and l.split()[5].endswith('ms')
                            for l in log_lines), True)
expect('log has 413', any(' 413 ' in l for l in log_lines), True)
forged = [l.split()[2:4] for l in log.splitlines() if 'forged' in l]
expect('no forged log line', forged, [['/a?2026-01-01T00:00:00Z?GET?/forged?200', '404']])
expect('stop message', log.rstrip().endswith('SIGTERM, stopping'), True)

for f in failures:
    print('FAIL', f)
print('api_test: %d failure(s)' % len(failures))
sys.exit(1 if failures else 0)
