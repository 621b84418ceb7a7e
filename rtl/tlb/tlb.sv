// A set-associative TLB that follows docs/tlb-model.md exactly, so that it can replace the C++
// model (mmu::SetAssocTlb) or run beside it in lockstep (models/cosim/).
//
// Timing (one operation per cycle; at most one of lookup_valid, fill_valid, flush_valid):
//   lookup  registered: the rising edge with lookup_valid compares lookup_vpn/asid with the
//           entries, makes a hit's way most recent, and registers the answer in lookup_hit/
//           set/way/entry_vpn/ppn/level/entry_asid/global/flags, which hold it until the
//           next lookup's edge.
//   fill    registered: the rising edge with fill_valid decides where the entry goes, writes
//           it there, and registers fill_set/way/evict and victim_* (the entry it replaced,
//           as it was before the edge), which hold until the next fill's edge.
//   flush   sequential sweep, one set per cycle: the edge that accepts flush_valid clears
//           matching entries of set 0, then busy stays high for SETS-1 more cycles while
//           sets 1..SETS-1 are swept. flush_count holds the number of entries invalidated
//           by the last flush once busy is low. No operation may be issued while busy.
//   perf_*  registered one-cycle pulses, raised in the cycle after the edge that did the work.
// Lookups and fills do all their work on the clock edge, so a simulator evaluates their
// comparators once per operation (a combinational answer is evaluated again whenever the
// registers it reads may have changed, at every edge).
// Reset (rst_n low at a rising edge) invalidates every entry and resets replacement state.
//
// Replacement policies (POLICY): 0 = tree PLRU, 1 = true LRU, 2 = FIFO; victim choice is
// the one docs/tlb-model.md defines, bit for bit.
// IGNORE_ASID is a test-only defect: lookups ignore the ASID, so the lockstep checker has
// something to catch. Never set it in a real configuration.
module tlb #(
    parameter int ENTRIES = 64,
    parameter int WAYS = 4,
    parameter int ASID_BITS = 16,
    parameter int LEVELS = 3,
    parameter int POLICY = 0,
    parameter int VPN_BITS = 52,
    parameter int PPN_BITS = 44,
    parameter int IGNORE_ASID = 0,
    localparam int SETS = ENTRIES / WAYS,
    localparam int SET_W = SETS > 1 ? $clog2(SETS) : 1,
    localparam int WAY_W = WAYS > 1 ? $clog2(WAYS) : 1,
    localparam int ASID_W = ASID_BITS > 0 ? ASID_BITS : 1,
    localparam int COUNT_W = $clog2(ENTRIES + 1)
) (
    input logic clk,
    input logic rst_n,

    input  logic                lookup_valid,
    input  logic [VPN_BITS-1:0] lookup_vpn,
    input  logic [  ASID_W-1:0] lookup_asid,
    output logic                lookup_hit,
    output logic [   SET_W-1:0] lookup_set,
    output logic [   WAY_W-1:0] lookup_way,
    output logic [VPN_BITS-1:0] lookup_entry_vpn,
    output logic [PPN_BITS-1:0] lookup_ppn,
    output logic [         1:0] lookup_level,
    output logic [  ASID_W-1:0] lookup_entry_asid,
    output logic                lookup_global,
    output logic [         7:0] lookup_flags,

    input  logic                fill_valid,
    input  logic [VPN_BITS-1:0] fill_vpn,
    input  logic [PPN_BITS-1:0] fill_ppn,
    input  logic [         1:0] fill_level,
    input  logic [  ASID_W-1:0] fill_asid,
    input  logic                fill_global,
    input  logic [         7:0] fill_flags,
    output logic [   SET_W-1:0] fill_set,
    output logic [   WAY_W-1:0] fill_way,
    output logic                fill_evict,
    output logic [VPN_BITS-1:0] victim_vpn,
    output logic [PPN_BITS-1:0] victim_ppn,
    output logic [         1:0] victim_level,
    output logic [  ASID_W-1:0] victim_asid,
    output logic                victim_global,
    output logic [         7:0] victim_flags,

    input  logic                flush_valid,
    input  logic                flush_has_vaddr,
    input  logic [VPN_BITS-1:0] flush_vpn,
    input  logic                flush_has_asid,
    input  logic [  ASID_W-1:0] flush_asid,
    output logic                busy,
    output logic [ COUNT_W-1:0] flush_count,

    output logic perf_hit,
    output logic perf_miss,
    output logic perf_fill,
    output logic perf_evict,
    output logic perf_flush
);
  localparam bit USE_ASID = ASID_BITS > 0 && IGNORE_ASID == 0;
  localparam bit FILL_ASID = ASID_BITS > 0;

  // ---- entry storage -------------------------------------------------------------------------
  // State that reset clears is packed, so reset is one assignment whatever SETS is; the
  // entry fields need no reset (an invalid entry's fields are never looked at).
  logic [SETS-1:0][WAYS-1:0] r_valid;
  logic [VPN_BITS-1:0] r_vpn   [SETS][WAYS];
  logic [PPN_BITS-1:0] r_ppn   [SETS][WAYS];
  logic [         1:0] r_level [SETS][WAYS];
  logic [  ASID_W-1:0] r_asid  [SETS][WAYS];
  logic                r_global[SETS][WAYS];
  logic [         7:0] r_flags [SETS][WAYS];

  // One entry's fields, in the order of the lookup_entry_* and victim_* ports.
  typedef struct packed {
    logic [VPN_BITS-1:0] vpn;
    logic [PPN_BITS-1:0] ppn;
    logic [1:0] level;
    logic [ASID_W-1:0] asid;
    logic is_global;
    logic [7:0] flags;
  } entry_t;

  function automatic entry_t entry_at(input logic [SET_W-1:0] s, input logic [WAY_W-1:0] w);
    return '{vpn: r_vpn[s][w], ppn: r_ppn[s][w], level: r_level[s][w], asid: r_asid[s][w],
             is_global: r_global[s][w], flags: r_flags[s][w]};
  endfunction

  // Bits of a vpn that a page of `level` covers are don't-care (9 per level, spec 4.3.2).
  function automatic logic [VPN_BITS-1:0] page_mask(input logic [1:0] level);
    return {VPN_BITS{1'b1}} << (9 * int'(level));
  endfunction

  // Set index of a vpn for an entry of `level`: docs/tlb-model.md "Geometry".
  function automatic logic [SET_W-1:0] set_of(input logic [VPN_BITS-1:0] vpn,
                                              input logic [1:0] level);
    return SETS > 1 ? SET_W'(vpn >> (9 * int'(level))) : '0;
  endfunction

  function automatic logic same_page(input logic [VPN_BITS-1:0] a, input logic [VPN_BITS-1:0] b,
                                     input logic [1:0] level);
    return ((a ^ b) & page_mask(level)) == '0;
  endfunction

  // ---- lookup: probe level 0, 1, ... each in its own set, lowest matching way first ----------
  typedef struct packed {
    logic hit;
    logic [SET_W-1:0] at_set;
    logic [WAY_W-1:0] at_way;
  } found_t;

  // Only entries of the probed level count in that level's set (docs/tlb-model.md "Lookup").
  // Written as nested conditions, cheap tests first: a simulator (Verilator among them)
  // then compares the VPN and ASID only of valid entries of the probed level.
  function automatic logic lookup_match(input logic [SET_W-1:0] s, input logic [WAY_W-1:0] w,
                                        input logic [1:0] level, input logic [VPN_BITS-1:0] vpn,
                                        input logic [ASID_W-1:0] asid);
    logic match;
    match = 1'b0;
    if (r_valid[s][w] && r_level[s][w] == level)
      if (same_page(r_vpn[s][w], vpn, level))
        match = r_global[s][w] || !USE_ASID || r_asid[s][w] == asid;
    return match;
  endfunction

  function automatic found_t search(input logic [VPN_BITS-1:0] vpn,
                                    input logic [ASID_W-1:0] asid);
    found_t f;
    logic [SET_W-1:0] s;
    f = '0;
    for (int l = 0; l < LEVELS; l++) begin
      s = set_of(vpn, 2'(l));
      for (int w = 0; w < WAYS; w++) begin
        if (!f.hit) begin  // nested, so a simulator stops comparing after the first hit
          if (lookup_match(s, WAY_W'(w), 2'(l), vpn, asid)) begin
            f.hit = 1'b1;
            f.at_set = s;
            f.at_way = WAY_W'(w);
          end
        end
      end
    end
    return f;
  endfunction

  // ---- replacement state ---------------------------------------------------------------------
  // PLRU: W-1 bits per set in heap order (index 1 is the root; index 0 unused); 0 = go left.
  // LRU: per-way age, 0 = most recent, WAYS-1 = least recent; a permutation of 0..WAYS-1.
  // FIFO: per-set pointer.
  logic [SETS-1:0][WAYS-1:0] r_plru;
  logic [SETS-1:0][WAYS-1:0][WAY_W-1:0] r_age;
  logic [SETS-1:0][WAY_W-1:0] r_fifo;

  // Untouched ways are older than touched ones, the lowest index oldest.
  function automatic logic [WAYS-1:0][WAY_W-1:0] lru_reset_row();
    logic [WAYS-1:0][WAY_W-1:0] row;
    for (int w = 0; w < WAYS; w++) row[w] = WAY_W'(WAYS - 1 - w);
    return row;
  endfunction
  localparam logic [WAYS-1:0][WAY_W-1:0] LRU_RESET_ROW = lru_reset_row();

  // Makes `way` the most recent; the ways that were more recent than it age by one.
  function automatic logic [WAYS-1:0][WAY_W-1:0] lru_touch(
      input logic [WAYS-1:0][WAY_W-1:0] row, input logic [WAY_W-1:0] way);
    logic [WAYS-1:0][WAY_W-1:0] out;
    for (int w = 0; w < WAYS; w++) begin
      if (WAY_W'(w) == way) out[w] = '0;
      else if (row[w] < row[way]) out[w] = row[w] + 1'b1;
      else out[w] = row[w];
    end
    return out;
  endfunction

  function automatic logic [WAY_W-1:0] policy_victim(input logic [SET_W-1:0] s);
    logic [WAY_W-1:0] victim;
    int node;
    victim = '0;
    if (POLICY == 0) begin
      node = 1;
      while (node < WAYS) node = 2 * node + int'(r_plru[s][node]);
      victim = WAY_W'(node - WAYS);
    end else if (POLICY == 1) begin
      for (int w = 0; w < WAYS; w++) if (r_age[s][w] == WAY_W'(WAYS - 1)) victim = WAY_W'(w);
    end else begin
      victim = r_fifo[s];
    end
    return victim;
  endfunction

  // Points every node on the root-to-leaf path of `way` away from it.
  function automatic logic [WAYS-1:0] plru_touch(input logic [WAYS-1:0] bits,
                                                 input logic [WAY_W-1:0] way);
    logic [WAYS-1:0] out;
    int node;
    out = bits;
    node = 1;
    for (int d = 0; d < WAY_W; d++) begin
      if (node < WAYS) begin
        out[node] = !way[WAY_W-1-d];
        node = 2 * node + int'(way[WAY_W-1-d]);
      end
    end
    return out;
  endfunction

  // ---- fill decision: in place, else lowest invalid way, else the policy's victim -----------
  typedef struct packed {
    logic [SET_W-1:0] at_set;
    logic [WAY_W-1:0] at_way;
    logic evict;
    logic [WAY_W:0] same;  // entries holding the filled key (asserted below: at most one)
  } place_t;

  function automatic place_t place(input logic [VPN_BITS-1:0] vpn, input logic [1:0] level,
                                   input logic [ASID_W-1:0] asid, input logic is_global);
    place_t p;
    logic in_place, has_free;
    logic [WAY_W-1:0] place_way, free_way;
    p = '0;
    p.at_set = set_of(vpn, level);
    in_place = 1'b0;
    has_free = 1'b0;
    place_way = '0;
    free_way = '0;
    for (int w = WAYS - 1; w >= 0; w--) begin
      if (r_valid[p.at_set][w] && r_level[p.at_set][w] == level &&
          same_page(r_vpn[p.at_set][w], vpn, level) &&
          (r_global[p.at_set][w] ? is_global
                                : !is_global && (!FILL_ASID || r_asid[p.at_set][w] == asid)))
      begin
        in_place = 1'b1;
        place_way = WAY_W'(w);
        p.same = p.same + 1'b1;
      end
      if (!r_valid[p.at_set][w]) begin
        has_free = 1'b1;
        free_way = WAY_W'(w);
      end
    end
    p.at_way = in_place ? place_way : has_free ? free_way : policy_victim(p.at_set);
    p.evict = !in_place && !has_free;
    return p;
  endfunction

  // ---- flush sweep ---------------------------------------------------------------------------
  logic f_has_vaddr, f_has_asid;
  logic [VPN_BITS-1:0] f_vpn;
  logic [ASID_W-1:0] f_asid;
  logic [SET_W-1:0] sweep_set;
  logic [COUNT_W-1:0] sweep_count;
  logic sweeping;

  // The request in force this cycle: the new one on the accepting edge, else the latched one.
  logic cur_has_vaddr, cur_has_asid;
  logic [VPN_BITS-1:0] cur_vpn;
  logic [ASID_W-1:0] cur_asid;
  logic [SET_W-1:0] cur_set;
  logic [WAYS-1:0] kill;
  logic [COUNT_W-1:0] kill_count;
  always_comb begin
    cur_has_vaddr = busy ? f_has_vaddr : flush_has_vaddr;
    cur_has_asid = busy ? f_has_asid : flush_has_asid;
    cur_vpn = busy ? f_vpn : flush_vpn;
    cur_asid = busy ? f_asid : flush_asid;
    cur_set = busy ? sweep_set : '0;
    sweeping = busy || flush_valid;
    kill = '0;
    kill_count = '0;
    // SFENCE.VMA (privileged spec 4.2.1): global entries survive ASID-qualified flushes.
    if (sweeping) begin
      for (int w = 0; w < WAYS; w++) begin
        kill[w] = r_valid[cur_set][w] &&
            (!cur_has_vaddr || same_page(r_vpn[cur_set][w], cur_vpn, r_level[cur_set][w])) &&
            (!cur_has_asid || (!r_global[cur_set][w] &&
                               (!FILL_ASID || r_asid[cur_set][w] == cur_asid)));
        kill_count = kill_count + COUNT_W'(kill[w]);
      end
    end
  end

  // ---- state update --------------------------------------------------------------------------
  always_ff @(posedge clk) begin : update
    found_t found;
    place_t placed;
    logic touch;
    logic [SET_W-1:0] touch_set;
    logic [WAY_W-1:0] touch_way;
    if (!rst_n) begin
      r_valid <= '0;
      r_plru <= '0;
      r_age <= {SETS{LRU_RESET_ROW}};
      r_fifo <= '0;
      busy <= 1'b0;
      sweep_set <= '0;
      sweep_count <= '0;
      flush_count <= '0;
      {f_has_vaddr, f_has_asid, f_vpn, f_asid} <= '0;
      lookup_hit <= 1'b0;
      fill_evict <= 1'b0;
      {perf_hit, perf_miss, perf_fill, perf_evict, perf_flush} <= '0;
    end else begin
      touch = 1'b0;
      touch_set = '0;
      touch_way = '0;
      if (lookup_valid) begin
        found = search(lookup_vpn, lookup_asid);
        lookup_hit <= found.hit;
        lookup_set <= found.at_set;
        lookup_way <= found.at_way;
        {lookup_entry_vpn, lookup_ppn, lookup_level, lookup_entry_asid, lookup_global,
         lookup_flags} <= entry_at(found.at_set, found.at_way);
        touch = found.hit;
        touch_set = found.at_set;
        touch_way = found.at_way;
        perf_hit <= found.hit;
        perf_miss <= !found.hit;
      end else begin
        perf_hit <= 1'b0;
        perf_miss <= 1'b0;
      end
      if (fill_valid) begin
        placed = place(fill_vpn, fill_level, fill_asid, fill_global);
        // Fill-in-place keeps at most one entry per (level, page, ASID or global) in a set,
        // so a lookup matches at most one non-global and one global entry per level; more
        // than one hit per lookup happens only across levels (superpages overlapping
        // smaller pages). Checked where a duplicate would be made, on the fill's own scan.
        a_one_entry_per_key : assert (placed.same <= 1);
        a_fill_level : assert (int'(fill_level) < LEVELS);
        fill_set <= placed.at_set;
        fill_way <= placed.at_way;
        fill_evict <= placed.evict;
        {victim_vpn, victim_ppn, victim_level, victim_asid, victim_global, victim_flags} <=
            entry_at(placed.at_set, placed.at_way);
        r_valid[placed.at_set][placed.at_way] <= 1'b1;
        r_vpn[placed.at_set][placed.at_way] <= fill_vpn;
        r_ppn[placed.at_set][placed.at_way] <= fill_ppn;
        r_level[placed.at_set][placed.at_way] <= fill_level;
        r_asid[placed.at_set][placed.at_way] <= FILL_ASID ? fill_asid : '0;
        r_global[placed.at_set][placed.at_way] <= fill_global;
        r_flags[placed.at_set][placed.at_way] <= fill_flags;
        if (POLICY == 2 && placed.evict)
          r_fifo[placed.at_set] <= placed.at_way == WAY_W'(WAYS - 1) ? '0 : placed.at_way + 1'b1;
        touch = 1'b1;
        touch_set = placed.at_set;
        touch_way = placed.at_way;
      end
      perf_fill <= fill_valid;
      perf_evict <= fill_valid && placed.evict;
      perf_flush <= flush_valid;
      if (touch) begin
        if (POLICY == 0) begin
          r_plru[touch_set] <= plru_touch(r_plru[touch_set], touch_way);
        end else if (POLICY == 1) begin
          r_age[touch_set] <= lru_touch(r_age[touch_set], touch_way);
        end
      end
      if (sweeping) begin
        r_valid[cur_set] <= r_valid[cur_set] & ~kill;
        if (!busy) begin
          f_has_vaddr <= flush_has_vaddr;
          f_has_asid <= flush_has_asid;
          f_vpn <= flush_vpn;
          f_asid <= flush_asid;
        end
        if (cur_set == SET_W'(SETS - 1)) begin
          busy <= 1'b0;
          flush_count <= (busy ? sweep_count : '0) + kill_count;
        end else begin
          busy <= 1'b1;
          sweep_set <= cur_set + 1'b1;
          sweep_count <= (busy ? sweep_count : '0) + kill_count;
        end
      end
    end
  end

  // ---- invariants ----------------------------------------------------------------------------
  // The caller issues one operation per cycle and none while a flush sweeps.
  a_one_op :
  assert property (@(posedge clk) disable iff (!rst_n)
      $onehot0({lookup_valid, fill_valid, flush_valid}));
  a_idle_while_busy :
  assert property (@(posedge clk) disable iff (!rst_n)
      busy |-> !(lookup_valid || fill_valid || flush_valid));

  always_ff @(posedge clk) begin
    if (rst_n) begin
      // LRU ages stay a permutation: every age appears once per set.
      if (POLICY == 1) begin
        for (int s = 0; s < SETS; s++) begin
          logic [WAYS-1:0] seen;
          seen = '0;
          for (int w = 0; w < WAYS; w++) seen[r_age[s][w]] = 1'b1;
          a_lru_permutation : assert (&seen);
        end
      end
    end
  end
endmodule
