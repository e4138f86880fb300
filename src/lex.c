/* lex.c — the shared low-level lexer (see lex.h for the token grammar). */
#include "lex.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Numbers with more written digits than this are rejected: no real figure
 * needs them and it bounds the conversion buffer. */
#define LEX_MAX_DIGITS 100

void shp_lex_init(shp_lexer *lx, shipest_ctx *ctx, const char *name, const char *src, size_t len)
{
    lx->ctx = ctx;
    lx->name = name != NULL ? name : "<string>";
    lx->src = src;
    lx->len = src != NULL ? len : 0;
    lx->pos = 0;
    lx->line = 1;
    lx->col = 1;
    lx->depth = 0;
    lx->calls = 0;
    lx->prev = SHP_TOK_NEWLINE;
    lx->dotted = 0;
}

/* Inside the parentheses of a call, commas separate arguments. */
static int in_call(const shp_lexer *lx)
{
    if (lx->depth <= 0)
        return 0;
    if (lx->depth > 64)
        return 1;
    return (int)((lx->calls >> (lx->depth - 1)) & 1u);
}

static shipest_status lex_verror(const shp_lexer *lx, uint32_t line, uint32_t col,
                                 shipest_status status, const char *fmt, va_list ap)
{
    char msg[SHP_ERRMSG_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return shp_error(lx->ctx, status, "%s:%u:%u: %s", lx->name, (unsigned)line, (unsigned)col,
                     msg);
}

shipest_status shp_lex_error(const shp_lexer *lx, uint32_t line, uint32_t col,
                             shipest_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lex_verror(lx, line, col, status, fmt, ap);
    va_end(ap);
    return status;
}

shipest_status shp_lex_error_at(const shp_lexer *lx, const shp_token *tok, shipest_status status,
                                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lex_verror(lx, tok->line, tok->col, status, fmt, ap);
    va_end(ap);
    return status;
}

static int at(const shp_lexer *lx, size_t i)
{
    return i < lx->len ? (unsigned char)lx->src[i] : -1;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_ident_start(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_ident(int c)
{
    return is_ident_start(c) || is_digit(c);
}

/* Length of the valid UTF-8 sequence starting at i (1-4), or 0 if invalid
 * (overlong forms, surrogates and values past U+10FFFF are invalid). */
static size_t utf8_len(const shp_lexer *lx, size_t i)
{
    int c = at(lx, i);
    size_t n;
    int min_next = 0x80, max_next = 0xBF;
    if (c < 0x80)
        return c < 0 ? 0 : 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            min_next = 0xA0;
        else if (c == 0xED)
            max_next = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            min_next = 0x90;
        else if (c == 0xF4)
            max_next = 0x8F;
    } else
        return 0;
    for (size_t k = 1; k < n; k++) {
        int d = at(lx, i + k);
        if (k == 1 ? (d < min_next || d > max_next) : (d < 0x80 || d > 0xBF))
            return 0;
    }
    return n;
}

/* Describe byte c for an "unexpected character" message. */
static void describe_byte(int c, char *buf, size_t size)
{
    if (c >= 0x21 && c < 0x7F && c != '\'')
        snprintf(buf, size, "character '%c'", c);
    else if (c == '\'')
        snprintf(buf, size, "character \"'\"");
    else if (c == 0)
        snprintf(buf, size, "NUL byte");
    else
        snprintf(buf, size, "byte 0x%02X", (unsigned)c);
}

/* Skip a comment's body (after '#') up to the newline, rejecting NUL, control
 * characters and invalid UTF-8 so binary garbage never hides in one. */
static shipest_status skip_comment(shp_lexer *lx)
{
    while (lx->pos < lx->len) {
        /* Printable ASCII needs no checks: most comments are all of it. */
        const unsigned char *p = (const unsigned char *)lx->src;
        size_t i = lx->pos;
        while (i < lx->len && p[i] >= 0x20 && p[i] < 0x7F)
            i++;
        lx->col += (uint32_t)(i - lx->pos);
        lx->pos = i;
        if (i == lx->len)
            break;
        int c = p[i];
        if (c == '\n')
            break;
        if (c < 0x20 && c != '\t' && c != '\r') {
            char what[32];
            describe_byte(c, what, sizeof what);
            return shp_lex_error(lx, lx->line, lx->col, SHIPEST_EPARSE, "%s in a comment", what);
        }
        size_t n = utf8_len(lx, lx->pos);
        if (n == 0)
            return shp_lex_error(lx, lx->line, lx->col, SHIPEST_EPARSE,
                                 "invalid UTF-8 (byte 0x%02X) in a comment", (unsigned)c);
        lx->pos += n;
        lx->col += (uint32_t)n;
    }
    return SHIPEST_OK;
}

static int word_at(const shp_lexer *lx, size_t i, const char *w)
{
    size_t n = strlen(w);
    if (i + n > lx->len || memcmp(lx->src + i, w, n) != 0)
        return 0;
    return !is_ident(at(lx, i + n));
}

/* Lex a number starting at lx->pos (a digit, or '.' then a digit). */
static shipest_status lex_number(shp_lexer *lx, shp_token *tok)
{
    size_t i = lx->pos;
    char digits[LEX_MAX_DIGITS + 1];
    size_t nd = 0;     /* digits written (integer and fraction) */
    int decimals = 0;
    unsigned flags = 0;
    size_t group_len = 0;
    int first_group_zero = at(lx, i) == '0';

    /* Integer part, with comma groups outside parentheses. */
    for (;;) {
        while (is_digit(at(lx, i))) {
            if (nd == LEX_MAX_DIGITS)
                return shp_lex_error(lx, tok->line, tok->col, SHIPEST_EPARSE,
                                     "number has more than %d digits", LEX_MAX_DIGITS);
            digits[nd++] = (char)at(lx, i);
            i++;
            group_len++;
        }
        int group_ok = (flags & SHP_NUM_GROUPED) ? group_len == 3
                                                 : (group_len >= 1 && group_len <= 3 &&
                                                    !first_group_zero);
        if (!in_call(lx) && group_ok && at(lx, i) == ',' && is_digit(at(lx, i + 1)) &&
            is_digit(at(lx, i + 2)) && is_digit(at(lx, i + 3)) && !is_digit(at(lx, i + 4))) {
            flags |= SHP_NUM_GROUPED;
            group_len = 0;
            i++; /* the comma */
            continue;
        }
        break;
    }
    /* Fraction. */
    if (at(lx, i) == '.' && is_digit(at(lx, i + 1))) {
        flags |= SHP_NUM_POINT;
        i++;
        while (is_digit(at(lx, i))) {
            if (nd == LEX_MAX_DIGITS)
                return shp_lex_error(lx, tok->line, tok->col, SHIPEST_EPARSE,
                                     "number has more than %d digits", LEX_MAX_DIGITS);
            digits[nd++] = (char)at(lx, i);
            decimals++;
            i++;
        }
    }
    long exp10 = 0;
    /* Exponent: e or E, optional sign, at least one digit. */
    if ((at(lx, i) == 'e' || at(lx, i) == 'E') &&
        (is_digit(at(lx, i + 1)) ||
         ((at(lx, i + 1) == '+' || at(lx, i + 1) == '-') && is_digit(at(lx, i + 2))))) {
        size_t j = i + 1;
        int neg = 0;
        if (at(lx, j) == '+' || at(lx, j) == '-')
            neg = at(lx, j++) == '-';
        long e = 0;
        while (is_digit(at(lx, j))) {
            if (e < 100000)
                e = e * 10 + (at(lx, j) - '0');
            j++;
        }
        exp10 = neg ? -e : e;
        flags |= SHP_NUM_EXPONENT;
        i = j;
    }
    /* Suffix right after the digits, or a word after blanks. */
    int c = at(lx, i);
    if ((c == 'k' || c == 'M' || c == 'B') && !is_ident(at(lx, i + 1))) {
        exp10 += c == 'k' ? 3 : c == 'M' ? 6 : 9;
        flags |= SHP_NUM_SUFFIX;
        i++;
    } else if (c == '%') {
        exp10 -= 2;
        flags |= SHP_NUM_PERCENT;
        i++;
    } else if (c == ' ' || c == '\t') {
        size_t j = i;
        while (at(lx, j) == ' ' || at(lx, j) == '\t')
            j++;
        static const struct {
            const char *w;
            int e;
        } words[] = {{"thousand", 3}, {"million", 6}, {"billion", 9}, {"trillion", 12}};
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
            if (word_at(lx, j, words[w].w)) {
                exp10 += words[w].e;
                flags |= SHP_NUM_WORD;
                i = j + strlen(words[w].w);
                break;
            }
        }
    }

    /* "1.2.3", "28,00" and "1e5e3" are typos, not two numbers in a row. */
    {
        int c1 = at(lx, i), c2 = at(lx, i + 1);
        int bad = (c1 == '.' && is_digit(c2)) ||
                  (!in_call(lx) && c1 == ',' && is_digit(c2) && !(flags & SHP_NUM_SUFFIX) &&
                   !(flags & SHP_NUM_WORD) && !(flags & SHP_NUM_PERCENT));
        if (bad) {
            size_t j = i + 1;
            while (j < lx->len && (is_digit(at(lx, j)) || at(lx, j) == '.' || at(lx, j) == ','))
                j++;
            int n = (int)(j - lx->pos > 40 ? 40 : j - lx->pos);
            return shp_lex_error(lx, tok->line, tok->col, SHIPEST_EPARSE,
                                 "malformed number '%.*s'%s", n, lx->src + lx->pos,
                                 c1 == ',' ? " (digit groups have exactly 3 digits)" : "");
        }
    }

    /* Precision of the written form. */
    size_t lead = 0;
    while (lead < nd && digits[lead] == '0')
        lead++;
    size_t trail = 0; /* trailing zeros of the integer part, when no point */
    if (!(flags & SHP_NUM_POINT))
        while (trail < nd - lead && digits[nd - 1 - trail] == '0')
            trail++;
    shp_numinfo ni;
    ni.decimals = decimals;
    ni.flags = flags;
    ni.exp10 = (int)(exp10 > 99999 ? 99999 : exp10 < -99999 ? -99999 : exp10);
    if (lead == nd) { /* the value 0 */
        ni.sig_digits = 1;
        ni.last_place = ni.exp10 - decimals;
    } else {
        ni.sig_digits = (int)(nd - lead - trail);
        ni.last_place = ni.exp10 - decimals + (int)trail;
    }

    /* Value: the digits as an integer mantissa with a decimal exponent, so
     * strtod never meets a locale-dependent radix character. */
    double value = 0.0;
    if (lead < nd) {
        char buf[LEX_MAX_DIGITS + 32];
        size_t n = nd - lead;
        memcpy(buf, digits + lead, n);
        long e = exp10 - decimals;
        if (e > 100000 || e < -100000)
            return shp_lex_error(lx, tok->line, tok->col, SHIPEST_EPARSE,
                                 "number out of range");
        snprintf(buf + n, sizeof buf - n, "e%ld", e);
        value = strtod(buf, NULL);
        if (!isfinite(value) || value == 0.0)
            return shp_lex_error(lx, tok->line, tok->col, SHIPEST_EPARSE,
                                 "number out of range: %.*s", (int)(i - lx->pos),
                                 lx->src + lx->pos);
    }
    tok->kind = SHP_TOK_NUMBER;
    tok->value = value;
    tok->num = ni;
    tok->len = i - lx->pos;
    lx->col += (uint32_t)(i - lx->pos);
    lx->pos = i;
    return SHIPEST_OK;
}

static shipest_status lex_string(shp_lexer *lx, shp_token *tok)
{
    size_t i = lx->pos + 1;
    uint32_t col = lx->col + 1;
    const unsigned char *p = (const unsigned char *)lx->src;
    for (;;) {
        size_t j = i;
        while (j < lx->len && p[j] >= 0x20 && p[j] < 0x7F && p[j] != '"' && p[j] != '\\')
            j++;
        col += (uint32_t)(j - i);
        i = j;
        int c = at(lx, i);
        if (c < 0 || c == '\n')
            return shp_lex_error(lx, tok->line, tok->col, SHIPEST_EPARSE,
                                 "unterminated string (strings end on the same line)");
        if (c == '"')
            break;
        if (c == '\\') {
            int e = at(lx, i + 1);
            if (e != '"' && e != '\\' && e != 'n' && e != 't') {
                char what[32];
                describe_byte(e < 0 ? ' ' : e, what, sizeof what);
                return shp_lex_error(lx, lx->line, col, SHIPEST_EPARSE,
                                     "unknown escape in string (%s after '\\'; use \\\" \\\\ "
                                     "\\n or \\t)",
                                     e < 0 ? "end of input" : what);
            }
            i += 2;
            col += 2;
            continue;
        }
        if (c < 0x20 && c != '\t') {
            char what[32];
            describe_byte(c, what, sizeof what);
            return shp_lex_error(lx, lx->line, col, SHIPEST_EPARSE, "%s in a string", what);
        }
        size_t n = utf8_len(lx, i);
        if (n == 0)
            return shp_lex_error(lx, lx->line, col, SHIPEST_EPARSE,
                                 "invalid UTF-8 (byte 0x%02X) in a string", (unsigned)c);
        i += n;
        col += (uint32_t)n;
    }
    i++; /* closing quote */
    tok->kind = SHP_TOK_STRING;
    tok->len = i - lx->pos;
    lx->col += (uint32_t)(i - lx->pos);
    lx->pos = i;
    return SHIPEST_OK;
}

static shipest_status lex_next(shp_lexer *lx, shp_token *tok)
{
    memset(tok, 0, sizeof *tok);
    /* Blanks and comments. */
    for (;;) {
        int c = at(lx, lx->pos);
        if (c == ' ' || c == '\t' || c == '\r') {
            lx->pos++;
            lx->col++;
        } else if (c == '#') {
            lx->pos++;
            lx->col++;
            shipest_status st = skip_comment(lx);
            if (st != SHIPEST_OK)
                return st;
        } else
            break;
    }
    tok->start = lx->pos;
    tok->line = lx->line;
    tok->col = lx->col;
    int c = at(lx, lx->pos);
    if (c < 0) {
        tok->kind = SHP_TOK_END;
        return SHIPEST_OK;
    }
    if (c == '\n') {
        tok->kind = SHP_TOK_NEWLINE;
        tok->len = 1;
        lx->pos++;
        lx->line++;
        lx->col = 1;
        return SHIPEST_OK;
    }
    if (is_ident_start(c)) {
        size_t i = lx->pos;
        while (is_ident(at(lx, i)))
            i++;
        /* `mix.dprk`: a part after a dot starts like a name, so `x.5` stays
         * a name and a number, and a number never takes a dot of a name. */
        while (lx->dotted && at(lx, i) == '.' && is_ident_start(at(lx, i + 1)))
            for (i++; is_ident(at(lx, i));)
                i++;
        tok->kind = SHP_TOK_NAME;
        tok->len = i - lx->pos;
        lx->col += (uint32_t)tok->len;
        lx->pos = i;
        return SHIPEST_OK;
    }
    if (is_digit(c) || (c == '.' && is_digit(at(lx, lx->pos + 1))))
        return lex_number(lx, tok);
    if (c == '"')
        return lex_string(lx, tok);

    shp_tok_kind k;
    size_t n = 1;
    int c2 = at(lx, lx->pos + 1);
    switch (c) {
    case '+': k = SHP_TOK_PLUS; break;
    case '-':
        if (c2 == '>') {
            k = SHP_TOK_ARROW;
            n = 2;
        } else
            k = SHP_TOK_MINUS;
        break;
    case '*': k = SHP_TOK_STAR; break;
    case '/': k = SHP_TOK_SLASH; break;
    case '^': k = SHP_TOK_CARET; break;
    case '(': k = SHP_TOK_LPAREN; break;
    case ')': k = SHP_TOK_RPAREN; break;
    case ',': k = SHP_TOK_COMMA; break;
    case '=': k = SHP_TOK_EQUALS; break;
    case ':': k = SHP_TOK_COLON; break;
    case '@': k = SHP_TOK_AT; break;
    case '%': k = SHP_TOK_PERCENT; break;
    case '<':
        k = c2 == '=' ? SHP_TOK_LE : SHP_TOK_LT;
        n = c2 == '=' ? 2 : 1;
        break;
    case '>':
        k = c2 == '=' ? SHP_TOK_GE : SHP_TOK_GT;
        n = c2 == '=' ? 2 : 1;
        break;
    default: {
        char what[32];
        if (c >= 0x80 && utf8_len(lx, lx->pos) == 0)
            return shp_lex_error(lx, tok->line, tok->col, SHIPEST_EPARSE,
                                 "invalid UTF-8 (byte 0x%02X)", (unsigned)c);
        describe_byte(c, what, sizeof what);
        return shp_lex_error(lx, tok->line, tok->col, SHIPEST_EPARSE, "unexpected %s", what);
    }
    }
    if (k == SHP_TOK_LPAREN) {
        if (lx->depth < 64) {
            uint64_t bit = (uint64_t)1 << lx->depth;
            lx->calls = lx->prev == SHP_TOK_NAME ? lx->calls | bit : lx->calls & ~bit;
        }
        if (lx->depth < INT32_MAX)
            lx->depth++;
    } else if (k == SHP_TOK_RPAREN && lx->depth > 0)
        lx->depth--;
    tok->kind = k;
    tok->len = n;
    lx->pos += n;
    lx->col += (uint32_t)n;
    return SHIPEST_OK;
}

shipest_status shp_lex_next(shp_lexer *lx, shp_token *tok)
{
    shipest_status st = lex_next(lx, tok);
    if (st == SHIPEST_OK)
        lx->prev = tok->kind;
    return st;
}

shipest_status shp_lex_peek(const shp_lexer *lx, shp_token *tok)
{
    shp_lexer copy = *lx;
    return shp_lex_next(&copy, tok);
}

int shp_tok_is(const shp_lexer *lx, const shp_token *tok, const char *word)
{
    size_t n = strlen(word);
    return tok->kind == SHP_TOK_NAME && tok->len == n &&
           memcmp(lx->src + tok->start, word, n) == 0;
}

shipest_status shp_lex_string(const shp_lexer *lx, const shp_token *tok, char **out,
                              size_t *len_out)
{
    *out = NULL;
    const char *s = lx->src + tok->start + 1;
    size_t n = tok->len >= 2 ? tok->len - 2 : 0;
    char *p = shp_alloc(lx->ctx, n + 1);
    if (p == NULL)
        return SHIPEST_ENOMEM;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < n) {
            char e = s[++i];
            c = e == 'n' ? '\n' : e == 't' ? '\t' : e;
        }
        p[o++] = c;
    }
    p[o] = '\0';
    *out = p;
    if (len_out != NULL)
        *len_out = o;
    return SHIPEST_OK;
}

const char *shp_tok_describe(const shp_lexer *lx, const shp_token *tok, char *buf, size_t size)
{
    int n = tok->len > 40 ? 40 : (int)tok->len;
    const char *text = lx->src + tok->start;
    switch (tok->kind) {
    case SHP_TOK_END: snprintf(buf, size, "end of input"); break;
    case SHP_TOK_NEWLINE: snprintf(buf, size, "end of line"); break;
    case SHP_TOK_NAME: snprintf(buf, size, "name '%.*s'", n, text); break;
    case SHP_TOK_NUMBER: snprintf(buf, size, "number %.*s", n, text); break;
    case SHP_TOK_STRING: snprintf(buf, size, "a string"); break;
    default: snprintf(buf, size, "'%.*s'", n, text); break;
    }
    return buf;
}

int shp_range_scale(shp_token *lo, const shp_token *hi)
{
    const unsigned scale = SHP_NUM_WORD | SHP_NUM_SUFFIX | SHP_NUM_PERCENT;
    if (lo->kind != SHP_TOK_NUMBER || hi->kind != SHP_TOK_NUMBER || !(hi->num.flags & scale) ||
        (hi->num.flags & SHP_NUM_EXPONENT) || (lo->num.flags & (scale | SHP_NUM_EXPONENT)) ||
        lo->num.sig_digits > 15 || !(lo->value >= 0.0 && hi->value >= 0.0))
        return 0;
    /* Read the figure again as written, with the scale: its digits as an
     * integer mantissa (exact below 10^15) and a decimal exponent, through
     * strtod as the lexer reads every number, so "32.3 to 33 thousand"
     * gives 32,300 exactly as "32.3 thousand" does (32.3 * 1000 does not). */
    int e = hi->num.exp10;
    double mant = nearbyint(lo->value / pow(10.0, lo->num.last_place));
    char buf[64];
    snprintf(buf, sizeof buf, "%.0fe%d", mant, lo->num.last_place + e);
    double v = strtod(buf, NULL);
    if (!(isfinite(v) && v < hi->value))
        return 0; /* "500 to 2 million", "3 to 3 million": as written */
    lo->value = v;
    lo->num.exp10 += e;
    lo->num.last_place += e;
    lo->num.flags |= hi->num.flags & scale;
    return 1;
}
