/* lex.h — the low-level lexer shared by the table parser (table_parse.c) and
 * the model-language parser (parse.c).
 *
 * Pull-based: the parser calls shp_lex_next() for each token. The lexer
 * allocates nothing and never reads past the given length: the input may
 * hold NUL bytes and invalid UTF-8 (both are errors outside strings and
 * comments, reported with position). A shp_lexer is a plain value: copy it
 * to look ahead and throw the copy away (errors of a look-ahead still write
 * the context's message, so only report them if you act on them).
 *
 * Lines and columns are 1-based; columns count bytes. `#` starts a comment
 * to the end of the line (not a token). "\r\n" is one newline.
 *
 * Numbers (always non-negative; '-' is a token of its own):
 *   28000  28,000  3e6  1.5e-3  .5  1.5M  13k  2.5 billion  12 million  40%
 * - Comma groups: a comma followed by exactly three digits and then a
 *   non-digit continues the number, except inside the parentheses of a call
 *   (a '(' right after a NAME token), so `pert(1,100,200)` is three
 *   arguments while `28,000` and `(28,000 t + 1,000 t)` hold one number
 *   each. The first group has 1-3 digits and no leading zero. A comma that
 *   is followed by digits but is not a group ("28,00") is a malformed
 *   number, as is "1.2.3".
 * - Suffixes written right after the digits: k (1e3), M (1e6), B (1e9),
 *   when not followed by an identifier character ("13kg" is 13 and kg).
 * - Words after spaces: thousand, million, billion, trillion.
 * - % written right after the number divides by 100 ("40%" is 0.4).
 * A `%` not attached to a number is the PERCENT token (the unit).
 */
#ifndef SHP_LEX_H
#define SHP_LEX_H

#include "internal.h"

typedef enum shp_tok_kind {
    SHP_TOK_END = 0,  /* end of input */
    SHP_TOK_NEWLINE,  /* '\n' (comments and blank lines still give one each) */
    SHP_TOK_NAME,     /* [A-Za-z_][A-Za-z0-9_]*; with `dotted`, also parts
                         joined by '.': `mix.dprk` (no space around the dot) */
    SHP_TOK_NUMBER,   /* see above; value and shp_numinfo */
    SHP_TOK_STRING,   /* "..." on one line; decode with shp_lex_string() */
    SHP_TOK_PLUS,     /* + */
    SHP_TOK_MINUS,    /* - */
    SHP_TOK_STAR,     /* * */
    SHP_TOK_SLASH,    /* / */
    SHP_TOK_CARET,    /* ^ */
    SHP_TOK_LPAREN,   /* ( */
    SHP_TOK_RPAREN,   /* ) */
    SHP_TOK_COMMA,    /* , */
    SHP_TOK_EQUALS,   /* = */
    SHP_TOK_COLON,    /* : */
    SHP_TOK_AT,       /* @ */
    SHP_TOK_ARROW,    /* -> */
    SHP_TOK_PERCENT,  /* % not attached to a number */
    SHP_TOK_LT,       /* < */
    SHP_TOK_GT,       /* > */
    SHP_TOK_LE,       /* <= */
    SHP_TOK_GE        /* >= */
} shp_tok_kind;

/* How a number was written, so the claims layer can infer its rounding. */
enum {
    SHP_NUM_GROUPED = 1u << 0,  /* had comma groups: 28,000 */
    SHP_NUM_POINT = 1u << 1,    /* had a decimal point */
    SHP_NUM_EXPONENT = 1u << 2, /* had e/E notation */
    SHP_NUM_SUFFIX = 1u << 3,   /* k, M or B suffix */
    SHP_NUM_WORD = 1u << 4,     /* thousand/million/billion/trillion */
    SHP_NUM_PERCENT = 1u << 5   /* trailing % */
};

typedef struct shp_numinfo {
    /* Significant digits written: leading zeros never count; trailing zeros
     * of a number without a decimal point do not count ("28,000" -> 2,
     * "28,001" -> 5, "43.50" -> 4, "0.05" -> 1, "0" -> 1). */
    int sig_digits;
    /* Decimal exponent of the last significant digit, in the value's own
     * scale after suffixes, words, e-notation and %: "28,000" -> 3,
     * "43.56" -> -2, "1.5M" -> 5, "12 million" -> 6, "40%" -> -1, "0" -> 0. */
    int last_place;
    /* Digits written after the decimal point ("43.50" -> 2). */
    int decimals;
    /* Power of ten applied by e-notation, suffix, word and % together. */
    int exp10;
    unsigned flags; /* SHP_NUM_* */
} shp_numinfo;

typedef struct shp_token {
    shp_tok_kind kind;
    size_t start, len;   /* bytes of the token in the source */
    uint32_t line, col;  /* of the first byte */
    double value;        /* SHP_TOK_NUMBER: finite, >= 0 */
    shp_numinfo num;     /* SHP_TOK_NUMBER */
} shp_token;

typedef struct shp_lexer {
    shipest_ctx *ctx;    /* for error messages; may be NULL */
    const char *name;    /* source name for messages ("default.stbl") */
    const char *src;
    size_t len, pos;
    uint32_t line, col;  /* position of src[pos] */
    int depth;           /* open parentheses */
    uint64_t calls;      /* bit d: parenthesis d+1 opened a call (NAME '(') */
    shp_tok_kind prev;   /* kind of the last token returned */
    int dotted;          /* 1: a NAME may be dotted (the model language's
                            `mix.dprk`); 0 after shp_lex_init (tables) */
} shp_lexer;

/* Start lexing src[0, len). name is borrowed for messages (NULL: "<string>"). */
void shp_lex_init(shp_lexer *lx, shipest_ctx *ctx, const char *name, const char *src, size_t len);

/* Read the next token. SHIPEST_EPARSE with "name:line:col: message" on a bad
 * character, malformed or out-of-range number, unterminated string or bad
 * escape; the lexer then stays at the bad position (calling again gives the
 * same error). */
shipest_status shp_lex_next(shp_lexer *lx, shp_token *tok);

/* The token after the current position, without consuming it. */
shipest_status shp_lex_peek(const shp_lexer *lx, shp_token *tok);

/* Record an error at (line, col) of this lexer's source:
 * "name:line:col: message". Returns status. */
shipest_status shp_lex_error(const shp_lexer *lx, uint32_t line, uint32_t col,
                             shipest_status status, const char *fmt, ...) SHP_PRINTF(5, 6);
/* Same, at a token. */
shipest_status shp_lex_error_at(const shp_lexer *lx, const shp_token *tok, shipest_status status,
                                const char *fmt, ...) SHP_PRINTF(4, 5);

/* 1 when tok is the NAME `word`. */
int shp_tok_is(const shp_lexer *lx, const shp_token *tok, const char *word);

/* Decode a STRING token (escapes \" \\ \n \t) into a new NUL-terminated
 * string allocated on lx->ctx (free with shp_free). *len_out may be NULL.
 * The lexer already validated it, so the only failure is SHIPEST_ENOMEM. */
shipest_status shp_lex_string(const shp_lexer *lx, const shp_token *tok, char **out,
                              size_t *len_out);

/* Short description of a token for messages: "name 'kg'", "number 28,000",
 * "string", "'->'", "end of line", "end of input" (written into buf). */
const char *shp_tok_describe(const shp_lexer *lx, const shp_token *tok, char *buf, size_t size);

/* English ranges write a scale once, after the second figure: "2 to 3
 * million", "10 to 15k", "30 to 40%" mean 2-3 million, 10-15 thousand and
 * 30-40%. When hi carries a scale word, k/M/B suffix or % and lo carries
 * none of these (nor e-notation), lo takes hi's scale (value, read as the
 * lexer would read the scaled figure, and written precision) — unless lo,
 * so read, would not lie below hi ("500 to 2 million", "3 to 3 million"
 * stay as written). Both figures must be non-negative and lo written with
 * at most 15 significant digits. Returns 1 when lo was scaled. */
int shp_range_scale(shp_token *lo, const shp_token *hi);

#endif
