/* cli/cmd_serve.c — fenpei serve: options, then the web page and JSON API of src/serve/. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const char usage_text[] =
    "usage: fenpei serve [--listen [ADDR:]PORT] [--max-upload SIZE] [--max-rows N] [--threads N]\n"
    "\n"
    "Serve a web page (Chinese, works offline) and a JSON API for checking tables,\n"
    "what-if reallocations and notice workbooks, for people who do not use a terminal.\n"
    "Uploads are held in memory only and freed after the answer; nothing is written to disk.\n"
    "\n"
    "Options:\n"
    "  --listen [ADDR:]PORT  where to listen (default 127.0.0.1:8080; PORT alone means\n"
    "                        127.0.0.1:PORT; 0.0.0.0:PORT for the whole network; [::1]:PORT;\n"
    "                        port 0 takes any free port)\n"
    "  --max-upload SIZE     largest request accepted, e.g. 20M (default), 512K; more is 413\n"
    "  --max-rows N          largest table worked on, in rows (default 100000); more is 413\n"
    "  --threads N           worker threads (default: the number of processors)\n"
    "  --timeout SECONDS     close a connection idle this long (default 30)\n"
    "  -h, --help            show this help\n"
    "\n"
    "The address is printed on stdout (\"fenpei serve: http://127.0.0.1:8080/\"); one line per\n"
    "request on stderr (time, method, path, status, bytes, milliseconds). SIGTERM or SIGINT\n"
    "stops it. API: POST /api/check, /api/realloc, /api/notice (docs/web.md).\n";

enum { OPT_LISTEN = 0x100, OPT_MAX_UPLOAD, OPT_MAX_ROWS, OPT_THREADS, OPT_TIMEOUT, OPT_LANG };

/* "8080", "127.0.0.1:8080", "[::1]:8080" → HOST (into BUF) and PORT. 0 or -1. */
static int parse_listen(const char *arg, char *buf, size_t cap, const char **host,
                        unsigned *port)
{
    const char *p = arg, *port_text;
    *host = "127.0.0.1";
    if (*arg == '[') {
        const char *close = strchr(arg, ']');
        if (!close || close[1] != ':' || (size_t)(close - arg) >= cap)
            return -1;
        memcpy(buf, arg + 1, (size_t)(close - arg - 1));
        buf[close - arg - 1] = '\0';
        *host = buf;
        port_text = close + 2;
    } else if ((p = strrchr(arg, ':')) != NULL) {
        if ((size_t)(p - arg) >= cap || p == arg)
            return -1;
        memcpy(buf, arg, (size_t)(p - arg));
        buf[p - arg] = '\0';
        *host = buf;
        port_text = p + 1;
    } else {
        port_text = arg;
    }
    char *end;
    errno = 0;
    unsigned long n = strtoul(port_text, &end, 10);
    if (!*port_text || *end || errno || n > 65535 || *port_text == '-')
        return -1;
    *port = (unsigned)n;
    return 0;
}

/* "20M", "512K", "1G", "1000" → bytes. 0 or -1. */
static int parse_size(const char *arg, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(arg, &end, 10);
    if (end == arg || errno || *arg == '-')
        return -1;
    unsigned long long mul = 1;
    if (*end == 'K' || *end == 'k')
        mul = 1024, end++;
    else if (*end == 'M' || *end == 'm')
        mul = 1024 * 1024, end++;
    else if (*end == 'G' || *end == 'g')
        mul = 1024ull * 1024 * 1024, end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || n == 0 || n > (1ull << 40) / mul)
        return -1;
    *out = (size_t)(n * mul);
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"max-upload", required_argument, NULL, OPT_MAX_UPLOAD},
        {"max-rows", required_argument, NULL, OPT_MAX_ROWS},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"help", no_argument, NULL, 'h'},
        {"lang", required_argument, NULL, OPT_LANG}, /* of the help (cli_lang_english) */
        {NULL, 0, NULL, 0},
    };
    char host[128];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    struct {
        const char *host;
        unsigned port;
        size_t max_upload, max_rows;
        unsigned threads, timeout, request_limit;
    } cfg = {"127.0.0.1", 8080, 20 * 1024 * 1024, 100000,
             cpus > 0 && cpus < 64 ? (unsigned)cpus : 4, 30, 120};
    optind = 0;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        unsigned long n;
        fp_lang lang; /* only checked: it chooses the language of the help */
        switch (opt) {
        case 'h':
            fputs(cli_help_text("serve", usage_text, cli_lang_english(argc, argv)), stdout);
            return EXIT_CLEAN;
        case OPT_LANG:
            if (cli_lang_option(optarg, &lang))
                return EXIT_USAGE;
            break;
        case OPT_LISTEN:
            if (parse_listen(optarg, host, sizeof host, &cfg.host, &cfg.port))
                return cli_fail("--listen: expected PORT or ADDRESS:PORT such as 127.0.0.1:8080, "
                                "not \"%s\"",
                                optarg);
            break;
        case OPT_MAX_UPLOAD:
            if (parse_size(optarg, &cfg.max_upload))
                return cli_fail("--max-upload: expected a size such as 20M or 512K, not \"%s\"",
                                optarg);
            break;
        case OPT_MAX_ROWS:
            if (cli_number(optarg, 100000000, &n))
                return cli_fail("--max-rows: expected a number from 1 to 100000000, not \"%s\"",
                                optarg);
            cfg.max_rows = n;
            break;
        case OPT_THREADS:
        case OPT_TIMEOUT:
            if (cli_number(optarg, opt == OPT_THREADS ? 256 : 3600, &n))
                return cli_fail("%s: expected a number from 1 to %d, not \"%s\"",
                                opt == OPT_THREADS ? "--threads" : "--timeout",
                                opt == OPT_THREADS ? 256 : 3600, optarg);
            if (opt == OPT_THREADS)
                cfg.threads = (unsigned)n;
            else
                cfg.timeout = (unsigned)n;
            break;
        default:
            return cli_fail("serve: unknown option %s; try 'fenpei serve --help'",
                            argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_fail("serve: unexpected argument \"%s\"; try 'fenpei serve --help'",
                        argv[optind]);
    return serve_main(cfg.host, cfg.port, cfg.max_upload, cfg.max_rows, cfg.threads,
                      cfg.timeout, cfg.request_limit);
}
