/* Reason phrases (RFC 9110 §15) and the HTTP date format (RFC 9110 §5.6.7). */
#include <string.h>
#include <time.h>

#include "msg/msg_internal.h"

const char *zh_status_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 103: return "Early Hints";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 305: return "Use Proxy";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "";
    }
}

static void put2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
}

size_t zh_http_date(time_t t, char out[30])
{
    static const char wday[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char mon[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
        t = 0; /* out of the format's range: the epoch, never garbage */
        gmtime_r(&t, &tm);
    }
    unsigned y = (unsigned)(tm.tm_year + 1900);
    memcpy(out, wday[tm.tm_wday], 3);
    out[3] = ',';
    out[4] = ' ';
    put2(out + 5, (unsigned)tm.tm_mday);
    out[7] = ' ';
    memcpy(out + 8, mon[tm.tm_mon], 3);
    out[11] = ' ';
    put2(out + 12, y / 100);
    put2(out + 14, y % 100);
    out[16] = ' ';
    put2(out + 17, (unsigned)tm.tm_hour);
    out[19] = ':';
    put2(out + 20, (unsigned)tm.tm_min);
    out[22] = ':';
    put2(out + 23, (unsigned)(tm.tm_sec > 59 ? 59 : tm.tm_sec));
    memcpy(out + 25, " GMT", 4);
    out[29] = '\0';
    return 29;
}
