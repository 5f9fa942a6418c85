// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Views: /pidns/<id>/ is the tree as seen from pid namespace <id>, as a
 * proc mounted inside that namespace shows it: only the tasks with a
 * number there, by those numbers; their NS* lines from that namespace
 * down; PPid 0 across its boundary; the globals a proc reader needs
 * (globals[].in_view).  The lookups, readdirs and renderings are the
 * root's (dir.c, tree.c), run with the view's namespace: this file keeps
 * the one thing the root does without, a table of nodes.
 *
 * The root's node ids carry their pin (fs-internal.h); a view's node
 * must also name its namespace, which the free bit of a node id cannot
 * hold.  So each view node is an entry here: node id NODE_VIEW | a
 * serial never reused, hashed by that id and by its key (namespace, pin,
 * slot), with the kernel's lookup count.  The entry holds a reference on
 * its namespace (a view of a namespace that is gone can still be
 * forgotten, and is ENOENT to new lookups) and, for a task node, as many
 * references of its pin as lookups, exactly as a root node's pin does:
 * /meminfo's KernelRefs and the shutdown audit count both alike.  The
 * last FORGET frees the entry.
 *
 * Locking: fs->view_lock (a mutex) protects both hashes, every entry's
 * count and fs->view_seq.  It is taken by workers and by the event hook,
 * which the task layer calls once its own locks are dropped; nothing
 * calls into the model or replies under it.  What a request reads of an
 * entry it copies out under the lock (struct node_key); the namespace
 * pointer stays valid while the kernel holds the node, which it does for
 * as long as any request on it runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs-internal.h"

struct view_node {
	uint64_t nodeid;			/* immutable */
	struct node_key key;			/* immutable; ns: a ref */
	uint64_t nlookup;			/* fs->view_lock */
	struct view_node *id_next;		/* fs->view_lock */
	struct view_node *key_next;		/* fs->view_lock */
};

/* The first table's buckets (a shift), and the most it may grow to. */
#define VIEW_SHIFT_MIN	8
#define VIEW_SHIFT_MAX	24

/* Fibonacci hashing: the top @shift bits of the product. */
static unsigned int hash_bits(uint64_t h, unsigned int shift)
{
	return (unsigned int)((h * UINT64_C(0x9E3779B97F4A7C15)) >>
			      (64 - shift));
}

static unsigned int id_hash(uint64_t nodeid, unsigned int shift)
{
	return hash_bits(nodeid, shift);
}

static unsigned int key_hash(const struct node_key *k, unsigned int shift)
{
	uint64_t h = (uint64_t)(uintptr_t)k->ns;

	h ^= (uint64_t)k->pin * UINT64_C(0xC2B2AE3D27D4EB4F);
	h ^= k->slot;
	return hash_bits(h ^ h >> 29, shift);
}

/*
 * Double both hashes (allocate them, the first time) and move every node
 * over.  On failure the old tables stay: longer chains, nothing lost.
 * Call with view_lock held.
 */
static void view_grow(struct pidfs_fs *fs)
{
	unsigned int shift = fs->view_shift ? fs->view_shift + 1 :
					      VIEW_SHIFT_MIN;
	size_t n = (size_t)1 << shift;
	struct view_node **ids, **keys, *v, *next;

	if (shift > VIEW_SHIFT_MAX)
		return;
	ids = calloc(n, sizeof(*ids));
	keys = calloc(n, sizeof(*keys));
	if (!ids || !keys) {
		free(ids);
		free(keys);
		return;
	}
	for (size_t b = 0; fs->view_shift && b < (size_t)1 << fs->view_shift;
	     b++) {
		for (v = fs->view_ids[b]; v; v = next) {
			unsigned int i = id_hash(v->nodeid, shift);
			unsigned int h = key_hash(&v->key, shift);

			next = v->id_next;
			v->id_next = ids[i];
			ids[i] = v;
			v->key_next = keys[h];
			keys[h] = v;
		}
	}
	free(fs->view_ids);
	free(fs->view_keys);
	fs->view_ids = ids;
	fs->view_keys = keys;
	fs->view_shift = shift;
}

static bool key_eq(const struct node_key *a, const struct node_key *b)
{
	return a->ns == b->ns && a->pin == b->pin && a->slot == b->slot;
}

/* Call with view_lock held. */
static struct view_node *find_id(struct pidfs_fs *fs, uint64_t nodeid)
{
	struct view_node *v;

	if (!fs->view_shift)
		return NULL;
	v = fs->view_ids[id_hash(nodeid, fs->view_shift)];

	while (v && v->nodeid != nodeid)
		v = v->id_next;
	return v;
}

/* Call with view_lock held. */
static struct view_node *find_key(struct pidfs_fs *fs,
				  const struct node_key *k)
{
	struct view_node *v;

	if (!fs->view_shift)
		return NULL;
	v = fs->view_keys[key_hash(k, fs->view_shift)];

	while (v && !key_eq(&v->key, k))
		v = v->key_next;
	return v;
}

/* Unlink @v from both hashes.  Call with view_lock held. */
static void unhash(struct pidfs_fs *fs, struct view_node *v)
{
	struct view_node **pp;

	for (pp = &fs->view_ids[id_hash(v->nodeid, fs->view_shift)]; *pp != v;
	     pp = &(*pp)->id_next)
		;
	*pp = v->id_next;
	for (pp = &fs->view_keys[key_hash(&v->key, fs->view_shift)];
	     *pp != v;
	     pp = &(*pp)->key_next)
		;
	*pp = v->key_next;
}

bool node_key_of(struct pidfs_fs *fs, fuse_ino_t ino, struct node_key *k)
{
	struct view_node *v;

	memset(k, 0, sizeof(*k));
	k->ns = root_ns(fs);
	if (is_task_node(ino)) {
		k->pin = node_pin(ino);
		k->slot = node_entry(ino);
		return k->slot < NR_PID_ENTRIES;
	}
	if (is_global_node(ino)) {
		k->slot = SLOT_GLOBAL + (unsigned int)ino;
		return true;
	}
	if (!is_view_node(ino))
		return false;
	pthread_mutex_lock(&fs->view_lock);
	v = find_id(fs, ino);
	if (v)
		*k = v->key;
	pthread_mutex_unlock(&fs->view_lock);
	return v != NULL;
}

int node_key_get(struct pidfs_fs *fs, const struct node_key *k,
		 fuse_ino_t *ino)
{
	struct view_node *v, *fresh;

	if (!k->view) {
		*ino = key_is_task(k) ? task_node(k->pin, k->slot) :
					(fuse_ino_t)key_global(k);
		return 0;
	}
	pthread_mutex_lock(&fs->view_lock);
	v = find_key(fs, k);
	if (v) {
		v->nlookup++;
		*ino = v->nodeid;
		pthread_mutex_unlock(&fs->view_lock);
		return 0;
	}
	pthread_mutex_unlock(&fs->view_lock);
	/* made outside the lock, dropped if another lookup made it first */
	fresh = calloc(1, sizeof(*fresh));
	pthread_mutex_lock(&fs->view_lock);
	v = find_key(fs, k);
	if (v) {
		v->nlookup++;
	} else if (fresh) {
		unsigned int i, h;

		if (!fs->view_shift ||
		    __atomic_load_n(&fs->view_nodes, __ATOMIC_RELAXED) >=
			    (uint64_t)1 << fs->view_shift)
			view_grow(fs);
		if (!fs->view_shift)
			goto out;
		v = fresh;
		fresh = NULL;
		v->key = *k;
		get_pid_ns(k->ns);
		v->nlookup = 1;
		v->nodeid = NODE_VIEW | ++fs->view_seq;
		i = id_hash(v->nodeid, fs->view_shift);
		h = key_hash(k, fs->view_shift);
		v->id_next = fs->view_ids[i];
		fs->view_ids[i] = v;
		v->key_next = fs->view_keys[h];
		fs->view_keys[h] = v;
		__atomic_fetch_add(&fs->view_nodes, 1, __ATOMIC_RELAXED);
	}
out:
	if (v)
		*ino = v->nodeid;
	pthread_mutex_unlock(&fs->view_lock);
	free(fresh);
	return v ? 0 : -ENOMEM;
}

fuse_ino_t node_key_find(struct pidfs_fs *fs, const struct node_key *k)
{
	struct view_node *v;
	fuse_ino_t ino = 0;

	if (!k->view)
		return key_is_task(k) ? task_node(k->pin, k->slot) :
					(fuse_ino_t)key_global(k);
	pthread_mutex_lock(&fs->view_lock);
	v = find_key(fs, k);
	if (v)
		ino = v->nodeid;
	pthread_mutex_unlock(&fs->view_lock);
	return ino;
}

bool node_is_pidfd(struct pidfs_fs *fs, fuse_ino_t ino)
{
	struct node_key k;

	if (!is_view_node(ino))
		return is_pidfd_node(ino);
	return node_key_of(fs, ino, &k) && key_is_pidfd(&k);
}

void view_forget(struct pidfs_fs *fs, fuse_ino_t ino, uint64_t n)
{
	struct view_node *v, *gone = NULL;
	struct node_key k;

	pthread_mutex_lock(&fs->view_lock);
	v = find_id(fs, ino);
	if (v) {
		k = v->key;
		if (v->nlookup > n) {
			v->nlookup -= n;
		} else {
			n = v->nlookup;
			unhash(fs, v);
			__atomic_fetch_sub(&fs->view_nodes, 1, __ATOMIC_RELAXED);
			gone = v;
		}
	}
	pthread_mutex_unlock(&fs->view_lock);
	if (!v)
		return;
	if (key_is_task(&k))
		task_refs_put(fs, k.pin, key_is_pidfd(&k), n);
	if (gone) {
		put_pid_ns(gone->key.ns);
		free(gone);
	}
}

/*
 * Whether @ns can never have a task again: closed to forks (its init has
 * died, or its first fork failed) and without a task left.  Its view is
 * gone then, though the namespace may live on while anyone holds it:
 * else the kernel's cached lookup of the view, holding the namespace,
 * would keep it alive forever.
 */
static bool ns_dead(struct pid_namespace *ns)
{
	struct pid *pid;

	if (pid_ns_allocating(ns))
		return false;
	rcu_read_lock();
	pid = find_ge_pid_ns(1, ns);
	rcu_read_unlock();
	return !pid;
}

bool view_root_key_id(struct pidfs_fs *fs, unsigned int id,
		      struct node_key *k, struct pid_namespace **put)
{
	struct pid_namespace *ns = pid_ns_find_get(root_ns(fs), id);

	if (!ns)
		return false;
	if (ns_dead(ns)) {
		put_pid_ns(ns);
		return false;
	}
	memset(k, 0, sizeof(*k));
	k->ns = ns;
	k->view = viewof(ns);
	k->slot = SLOT_GLOBAL + G_ROOT;
	*put = ns;
	return true;
}

bool view_root_key(struct pidfs_fs *fs, const char *name, struct node_key *k,
		   struct pid_namespace **put)
{
	unsigned long id = 0;

	/* decimal digits only, no leading zero: one name per namespace */
	if (!*name || (*name == '0') || strlen(name) > 10)
		return false;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		id = id * 10 + (unsigned long)(*p - '0');
	}
	if (id < PROC_PID_INIT_INO || id > UINT32_MAX)
		return false;
	return view_root_key_id(fs, (unsigned int)id, k, put);
}

void view_release_all(struct pidfs_fs *fs, bool pins)
{
	struct view_node *list = NULL, *v;

	pthread_mutex_lock(&fs->view_lock);
	for (size_t b = 0; fs->view_shift && b < (size_t)1 << fs->view_shift;
	     b++) {
		while ((v = fs->view_ids[b])) {
			fs->view_ids[b] = v->id_next;
			v->id_next = list;
			list = v;
		}
		fs->view_keys[b] = NULL;
	}
	__atomic_store_n(&fs->view_nodes, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&fs->view_lock);
	while ((v = list)) {
		list = v->id_next;
		if (pins && key_is_task(&v->key))
			task_refs_put(fs, v->key.pin, key_is_pidfd(&v->key),
				      v->nlookup);
		put_pid_ns(v->key.ns);
		free(v);
	}
}
