/*
 * Walks a live panamap table from its raw addresses, reading every bucket as Go 1.19's runtime does:
 * through this struct, which is Go's bmap for map[int64]int64 (runtime/map.go; GO_BMAP_REFERENCE.md).
 * If panamap's layout differed from Go's by one byte, the counts or checksums would not match Java's.
 */
#include <stddef.h>
#include <stdint.h>

#define BUCKET_SLOTS 8
#define EMPTY_ONE 1
#define MIN_TOP_HASH 5

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

/* Go's evacuated(b): the head's first tophash is one of the three evacuation marks. */
static int evacuated(const struct bmap *head) {
    const uint8_t h = head->tophash[0];
    return h > EMPTY_ONE && h < MIN_TOP_HASH;
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
            if (!evacuated(&old_buckets[i])) {
                walk_chain(&old_buckets[i], out);
            }
        }
    }
    return visited;
}
