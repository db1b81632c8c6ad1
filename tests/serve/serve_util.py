# serve_util.py — start fenpei serve on a free port, and post multipart forms to it (tests only).
import http.client
import os
import re
import subprocess
import tempfile
import uuid


class Server:
    """fenpei serve on 127.0.0.1:<free port>, stopped with SIGTERM by stop()."""

    def __init__(self, fenpei, *args):
        # the log goes to a file: a pipe nobody reads would fill and stall the server
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([fenpei, 'serve', '--listen', '127.0.0.1:0', *args],
                                     stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        m = re.match(r'fenpei serve: http://127\.0\.0\.1:(\d+)/', line)
        if not m:
            self.proc.kill()
            self.log.seek(0)
            raise RuntimeError('server did not start: %r %r' % (line, self.log.read()))
        self.port = int(m.group(1))
        self.url = 'http://127.0.0.1:%d/' % self.port

    def stop(self):
        """SIGTERM; returns (exit status, stderr text)."""
        self.proc.terminate()
        self.proc.communicate(timeout=30)
        self.log.seek(0)
        return self.proc.returncode, self.log.read().decode()


def multipart(fields):
    """FIELDS: list of (name, value) or (name, (filename, bytes)). Returns (body, content type)."""
    boundary = uuid.uuid4().hex
    out = []
    for name, value in fields:
        out.append(b'--' + boundary.encode() + b'\r\n')
        if isinstance(value, tuple):
            fname, data = value
            out.append(('Content-Disposition: form-data; name="%s"; filename="%s"\r\n'
                        'Content-Type: application/octet-stream\r\n\r\n' % (name, fname)).encode())
            out.append(data)
        else:
            out.append(('Content-Disposition: form-data; name="%s"\r\n\r\n' % name).encode())
            out.append(value.encode() if isinstance(value, str) else value)
        out.append(b'\r\n')
    out.append(b'--' + boundary.encode() + b'--\r\n')
    return b''.join(out), 'multipart/form-data; boundary=' + boundary


sent = [0]  # requests made by request(), for matching the server's log


def request(port, method, path, body=None, headers=None):
    """One request on a new connection: (status, headers dict (lower-case names), body bytes)."""
    sent[0] += 1
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def post_form(port, path, fields):
    body, ctype = multipart(fields)
    return request(port, 'POST', path, body, {'Content-Type': ctype})


def change_cell(csv_text, line, col, new):
    """The CSV text with cell COL (0-based) of 1-based LINE replaced by NEW."""
    lines = csv_text.split('\n')
    cells = lines[line - 1].split(',')
    cells[col] = new
    lines[line - 1] = ','.join(cells)
    return '\n'.join(lines)


def source_dir():
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
