/*
 * Walks a live panamap table from its raw addresses, reading every bucket as Go 1.19's runtime does:
 * through the struct Go's compiler generates for the map's type (runtime/map.go; GO_BMAP_REFERENCE.md).
 * If panamap's layout differed from Go's by one byte, the counts or checksums would not match Java's.
 *
 * Two bucket types, one section each (and, for the first, checks of Go's slot states: evacuation marks
 * across a doubling, and emptyRest as Go's lookups and deletes use it):
 *   struct bmap               map[int64]int64   (LongLongMap)                          144 bytes
 *   struct bmap_string_int64  map[string]int64  (OffHeapMap with utf8() keys, longs())  208 bytes
 * The second's keys are Go string headers: the walker follows each key's pointer into panamap's
 * out-of-line storage and hashes the bytes it finds there.
 */
#include <stddef.h>
#include <stdint.h>

#define BUCKET_SLOTS 8
#define EMPTY_ONE 1
#define MIN_TOP_HASH 5

/* ------------------------------------------------------------------ map[int64]int64 */

struct bmap {
    uint8_t tophash[BUCKET_SLOTS];
    int64_t keys[BUCKET_SLOTS];
    int64_t values[BUCKET_SLOTS];
    struct bmap *overflow;
};

_Static_assert(sizeof(struct bmap) == 144, "Go's bmap for int64 keys and values is 144 bytes");
_Static_assert(offsetof(struct bmap, keys) == 8, "keys follow the 8 tophash bytes");
_Static_assert(offsetof(struct bmap, values) == 72, "values follow the 8 keys");
_Static_assert(offsetof(struct bmap, overflow) == 136, "the overflow pointer ends the bucket");

/* What a walk found: entries, and sums and xors of their keys and values. */
struct walk_result {
    int64_t count;
    int64_t key_sum;
    int64_t key_xor;
    int64_t value_sum;
    int64_t value_xor;
};

/* The struct's size and its fields' offsets, for Java to compare with panamap's layout. */
void bmap_layout(int64_t out[5]) {
    out[0] = (int64_t) sizeof(struct bmap);
    out[1] = (int64_t) offsetof(struct bmap, tophash);
    out[2] = (int64_t) offsetof(struct bmap, keys);
    out[3] = (int64_t) offsetof(struct bmap, values);
    out[4] = (int64_t) offsetof(struct bmap, overflow);
}

/* Whether a tophash byte is one of the three evacuation marks (evacuatedX, evacuatedY, evacuatedEmpty). */
static int is_evacuation_mark(const uint8_t h) {
    return h > EMPTY_ONE && h < MIN_TOP_HASH;
}

/* Go's evacuated(b), for a bucket of any type: its first tophash is one of the three evacuation marks. */
static int evacuated(const uint8_t tophash[BUCKET_SLOTS]) {
    return is_evacuation_mark(tophash[0]);
}

static void walk_chain(const struct bmap *b, struct walk_result *out) {
    for (; b != NULL; b = b->overflow) {
        for (int i = 0; i < BUCKET_SLOTS; i++) {
            if (b->tophash[i] >= MIN_TOP_HASH) {
                out->count++;
                /* unsigned arithmetic: wrap-around is defined, as Java's long addition is */
                out->key_sum = (int64_t) ((uint64_t) out->key_sum + (uint64_t) b->keys[i]);
                out->key_xor ^= b->keys[i];
                out->value_sum = (int64_t) ((uint64_t) out->value_sum + (uint64_t) b->values[i]);
                out->value_xor ^= b->values[i];
            }
        }
    }
}

/*
 * Every live entry of a table: all chains of the current array (2^b head buckets at `buckets`), plus,
 * during a growth, the chains of the old array (2^old_b heads at `old_buckets`) that have not moved yet.
 * Returns the number of buckets visited.
 */
int64_t bmap_walk(const struct bmap *buckets, int32_t b, const struct bmap *old_buckets, int32_t old_b,
                  struct walk_result *out) {
    int64_t visited = 0;
    out->count = out->key_sum = out->key_xor = out->value_sum = out->value_xor = 0;
    for (int64_t i = 0; i < ((int64_t) 1 << b); i++, visited++) {
        walk_chain(&buckets[i], out);
    }
    if (old_buckets != NULL) {
        for (int64_t i = 0; i < ((int64_t) 1 << old_b); i++, visited++) {
            if (!evacuated(old_buckets[i].tophash)) {
                walk_chain(&old_buckets[i], out);
            }
        }
    }
    return visited;
}

/* ------------------------------------------------------------------ Go's slot states, map[int64]int64 */

#define EMPTY_REST 0
#define EVACUATED_X 2
#define EVACUATED_Y 3
#define EVACUATED_EMPTY 4

/* Whether the chain headed by b holds key with value. */
static int chain_holds(const struct bmap *b, int64_t key, int64_t value) {
    for (; b != NULL; b = b->overflow) {
        for (int i = 0; i < BUCKET_SLOTS; i++) {
            if (b->tophash[i] >= MIN_TOP_HASH && b->keys[i] == key) {
                return b->values[i] == value;
            }
        }
    }
    return 0;
}

/*
 * What Go's evacuation marks say about a table in the middle of a doubling, checked against where the
 * entries are: chains of the old array evacuated and not; slots marked evacuatedX whose key (with its value)
 * is in new chain i, as Go's X destination is, and evacuatedY in chain i + 2^old_b; and marks where Go would
 * never leave one (a live or empty slot in an evacuated chain, an evacuation mark in a chain that has not
 * moved or in the new array), and marked entries not at their destination.
 */
struct growth_marks_result {
    int64_t evacuated_chains;
    int64_t unmoved_chains;
    int64_t moved_x;
    int64_t moved_y;
    int64_t moved_empty;
    int64_t misplaced;
    int64_t bad_marks;
};

/* Go's moves of a doubling from 2^old_b to 2^b = 2^(old_b + 1) buckets, as evacuation marks record them. */
void bmap_check_growth_marks(const struct bmap *buckets, int32_t b, const struct bmap *old_buckets,
                             int32_t old_b, struct growth_marks_result *out) {
    const int64_t newbit = (int64_t) 1 << old_b;
    out->evacuated_chains = out->unmoved_chains = out->moved_x = out->moved_y = out->moved_empty = 0;
    out->misplaced = out->bad_marks = 0;
    for (int64_t i = 0; i < ((int64_t) 1 << b); i++) {
        for (const struct bmap *n = &buckets[i]; n != NULL; n = n->overflow) {
            for (int s = 0; s < BUCKET_SLOTS; s++) {
                out->bad_marks += is_evacuation_mark(n->tophash[s]);
            }
        }
    }
    for (int64_t i = 0; i < newbit; i++) {
        const int moved = evacuated(old_buckets[i].tophash);
        if (moved) {
            out->evacuated_chains++;
        } else {
            out->unmoved_chains++;
        }
        for (const struct bmap *o = &old_buckets[i]; o != NULL; o = o->overflow) {
            for (int s = 0; s < BUCKET_SLOTS; s++) {
                const uint8_t h = o->tophash[s];
                if (!moved) {
                    out->bad_marks += is_evacuation_mark(h);
                } else if (h == EVACUATED_X) {
                    out->moved_x++;
                    out->misplaced += !chain_holds(&buckets[i], o->keys[s], o->values[s]);
                } else if (h == EVACUATED_Y) {
                    out->moved_y++;
                    out->misplaced += !chain_holds(&buckets[i + newbit], o->keys[s], o->values[s]);
                } else if (h == EVACUATED_EMPTY) {
                    out->moved_empty++;
                } else {
                    out->bad_marks++;
                }
            }
        }
    }
}

/*
 * A table walked as Go's lookups walk it (mapaccess): a chain ends at its first emptyRest, so an entry past
 * one would be lost to Go. Also counts the emptyOne slots, and among them what Go's delete never leaves
 * behind: an emptyOne slot directly followed, in chain order, by emptyRest or by the chain's end (Go turns
 * that trailing run into emptyRest).
 */
struct lookup_walk_result {
    struct walk_result found;
    int64_t empty_one;
    int64_t uncompacted;
};

static void lookup_walk_chain(const struct bmap *b, struct lookup_walk_result *out) {
    int ended = 0;
    int previous_empty_one = 0;
    for (; b != NULL; b = b->overflow) {
        for (int i = 0; i < BUCKET_SLOTS; i++) {
            const uint8_t h = b->tophash[i];
            if (h == EMPTY_REST) {
                out->uncompacted += previous_empty_one;
                ended = 1;
            }
            previous_empty_one = h == EMPTY_ONE;
            out->empty_one += previous_empty_one;
            if (!ended && h >= MIN_TOP_HASH) {
                out->found.count++;
                out->found.key_sum = (int64_t) ((uint64_t) out->found.key_sum + (uint64_t) b->keys[i]);
                out->found.key_xor ^= b->keys[i];
                out->found.value_sum = (int64_t) ((uint64_t) out->found.value_sum + (uint64_t) b->values[i]);
                out->found.value_xor ^= b->values[i];
            }
        }
    }
    out->uncompacted += previous_empty_one;
}

/* As bmap_walk, but each chain as Go's lookups walk it, stopping at emptyRest. */
int64_t bmap_lookup_walk(const struct bmap *buckets, int32_t b, const struct bmap *old_buckets, int32_t old_b,
                         struct lookup_walk_result *out) {
    int64_t visited = 0;
    out->found.count = out->found.key_sum = out->found.key_xor = out->found.value_sum = out->found.value_xor = 0;
    out->empty_one = out->uncompacted = 0;
    for (int64_t i = 0; i < ((int64_t) 1 << b); i++, visited++) {
        lookup_walk_chain(&buckets[i], out);
    }
    if (old_buckets != NULL) {
        for (int64_t i = 0; i < ((int64_t) 1 << old_b); i++, visited++) {
            if (!evacuated(old_buckets[i].tophash)) {
                lookup_walk_chain(&old_buckets[i], out);
            }
        }
    }
    return visited;
}

/* ------------------------------------------------------------------ map[string]int64 */

/* Go's string header (runtime/string.go, stringStruct): the bytes' address, then their length. */
struct gostring {
    const uint8_t *str;
    int64_t len;
};

struct bmap_string_int64 {
    uint8_t tophash[BUCKET_SLOTS];
    struct gostring keys[BUCKET_SLOTS];
    int64_t values[BUCKET_SLOTS];
    struct bmap_string_int64 *overflow;
};

_Static_assert(sizeof(struct gostring) == 16, "a Go string header is 16 bytes");
_Static_assert(offsetof(struct gostring, len) == 8, "the length follows the address");
_Static_assert(sizeof(struct bmap_string_int64) == 208, "Go's bmap for map[string]int64 is 208 bytes");
_Static_assert(offsetof(struct bmap_string_int64, keys) == 8, "keys follow the 8 tophash bytes");
_Static_assert(offsetof(struct bmap_string_int64, values) == 136, "values follow the 8 string headers");
_Static_assert(offsetof(struct bmap_string_int64, overflow) == 200, "the overflow pointer ends the bucket");

/*
 * What a walk of string keys found: entries; the sum of their keys' lengths; the xor and the sum of a
 * 64-bit FNV-1a of each key's bytes (xor and sum, because two equal hashes cancel in one but not the
 * other); sums and xors of values; and headers Go would never write (a negative length, or an address
 * that is null for a non-empty string or not null for the empty one; such a key is not dereferenced).
 */
struct string_walk_result {
    int64_t count;
    int64_t key_length_sum;
    int64_t key_hash_xor;
    int64_t key_hash_sum;
    int64_t value_sum;
    int64_t value_xor;
    int64_t bad_headers;
};

#define FNV_OFFSET_BASIS UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

static uint64_t fnv1a(const uint8_t *bytes, int64_t len) {
    uint64_t h = FNV_OFFSET_BASIS;
    for (int64_t i = 0; i < len; i++) {
        h = (h ^ bytes[i]) * FNV_PRIME;
    }
    return h;
}

/* The size and offsets of struct bmap_string_int64, as bmap_layout gives struct bmap's. */
void bmap_string_int64_layout(int64_t out[5]) {
    out[0] = (int64_t) sizeof(struct bmap_string_int64);
    out[1] = (int64_t) offsetof(struct bmap_string_int64, tophash);
    out[2] = (int64_t) offsetof(struct bmap_string_int64, keys);
    out[3] = (int64_t) offsetof(struct bmap_string_int64, values);
    out[4] = (int64_t) offsetof(struct bmap_string_int64, overflow);
}

static void walk_string_chain(const struct bmap_string_int64 *b, struct string_walk_result *out) {
    for (; b != NULL; b = b->overflow) {
        for (int i = 0; i < BUCKET_SLOTS; i++) {
            if (b->tophash[i] < MIN_TOP_HASH) {
                continue;
            }
            const struct gostring key = b->keys[i];
            out->count++;
            if (key.len < 0 || (key.len == 0) != (key.str == NULL)) {
                out->bad_headers++;
            } else {
                const uint64_t h = fnv1a(key.str, key.len);
                out->key_length_sum += key.len;
                out->key_hash_xor ^= (int64_t) h;
                out->key_hash_sum = (int64_t) ((uint64_t) out->key_hash_sum + h);
            }
            out->value_sum = (int64_t) ((uint64_t) out->value_sum + (uint64_t) b->values[i]);
            out->value_xor ^= b->values[i];
        }
    }
}

/* As bmap_walk, for map[string]int64: every live entry, its key read through its string header. */
int64_t bmap_string_int64_walk(const struct bmap_string_int64 *buckets, int32_t b,
                               const struct bmap_string_int64 *old_buckets, int32_t old_b,
                               struct string_walk_result *out) {
    int64_t visited = 0;
    out->count = out->key_length_sum = out->key_hash_xor = out->key_hash_sum = 0;
    out->value_sum = out->value_xor = out->bad_headers = 0;
    for (int64_t i = 0; i < ((int64_t) 1 << b); i++, visited++) {
        walk_string_chain(&buckets[i], out);
    }
    if (old_buckets != NULL) {
        for (int64_t i = 0; i < ((int64_t) 1 << old_b); i++, visited++) {
            if (!evacuated(old_buckets[i].tophash)) {
                walk_string_chain(&old_buckets[i], out);
            }
        }
    }
    return visited;
}
