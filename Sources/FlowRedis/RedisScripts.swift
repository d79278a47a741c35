/// The Lua scripts the Redis backend runs: each one is atomic on the server, so a step's records, its
/// source's ack and a producer's checkpoint are kept together or not at all, without MULTI/EXEC round trips.
///
/// Key layout (every key starts with the broker's prefix, `flow:{PIPELINE}:`, whose braces keep a pipeline's
/// keys in one cluster slot):
/// - `t:TOPIC` hash: `partitions`, `capacity`, `retention`, `published`, `evicted`;
/// - `g:TOPIC` set: the groups declared on the topic;
/// - `s:TOPIC:P` stream: partition P; entry `0-N` holds offset N-1 (`XADD … 0-*` numbers them densely), with
///   fields `e` (the CloudEvents JSON) and `k` (the partition key, when the record has one);
/// - `r:TOPIC:GROUP` hash: the `RetryState` of each record the group waits to retry, field `P:OFFSET`;
/// - `a:TOPIC:GROUP` hash: how many attempts were begun on a record taken over from the pending list since
///   its last concluded one (`AbandonedAttempts`), field `P:OFFSET`, and the token of the last mark, field
///   `P:OFFSET:t`; both dropped with its retry state or its ack;
/// - `c` hash: each producer's checkpoint;
/// - `m:TOPIC:GROUP` sorted set: live members (consumer names), scored by when their heartbeat expires;
/// - `l:TOPIC:GROUP:P`: the lease of partition P, holding the owning member's consumer name.
///
/// A group's committed watermark on a partition is the lowest offset it has not acked: the first entry of its
/// pending list, or the entry after the last one delivered when nothing is pending. Entries below the
/// slowest group's watermark are trimmed, so a stream's length is its backlog (what `capacity` bounds).
enum RedisScripts {
    /// Shared by every script: topic lookup, room, storing, watermarks and trimming. Every command goes through
    /// `call`, which turns an error reply (a key of another type, OOM) into one naming the command and its key.
    static let library = """
        local prefix = ARGV[1]
        local function call(...)
          local reply = redis.pcall(...)
          if type(reply) == 'table' and reply.err then
            local command, key = ...
            error({err = reply.err .. ' (' .. command .. ' ' .. tostring(key) .. ')'})
          end
          return reply
        end
        local topics = {}
        local function stream(name, p) return prefix .. 's:' .. name .. ':' .. p end
        local function topic(name)
          local t = topics[name]
          if t then return t end
          local h = call('HMGET', prefix .. 't:' .. name, 'partitions', 'capacity', 'retention')
          if not h[1] then return nil end
          t = {name = name, partitions = tonumber(h[1]), capacity = tonumber(h[2]), retention = tonumber(h[3]),
               streams = {}, lengths = {}, touched = {}, stored = 0}
          t.grouped = call('SCARD', prefix .. 'g:' .. name) > 0
          topics[name] = t
          return t
        end
        local function seq(id) return tonumber(string.match(id, '%-(%d+)$')) end
        -- Whether `group` has the record at `offset` of partition `p` delivered and not acked yet.
        local function pending(name, group, p, offset)
          local s, id = stream(name, p), '0-' .. (offset + 1)
          return call('EXISTS', s) == 1 and #call('XPENDING', s, group, id, id, 1) == 1
        end
        local function partition(t, p)
          local s = t.streams[p]
          if not s then s = stream(t.name, p) t.streams[p] = s end
          return s
        end
        -- Lengths are read once per script and counted on as records are stored (a trim forgets them).
        local function room(t, name, p, count)
          if not t.grouped then return true end
          local length = t.lengths[p]
          if not length then length = call('XLEN', partition(t, p)) t.lengths[p] = length end
          return length == 0 or length + count <= t.capacity
        end
        local function store(t, name, p, key, json)
          local s = partition(t, p)
          if key then call('XADD', s, '0-*', 'k', key, 'e', json)
          else call('XADD', s, '0-*', 'e', json) end
          if t.lengths[p] then t.lengths[p] = t.lengths[p] + 1 end
          t.stored = t.stored + 1
          t.touched[p] = true
        end
        -- Counts what was stored and evicts past `retention` in topics no group reads: once per script, not per record.
        local function finish()
          for name, t in pairs(topics) do
            if t.stored > 0 then
              call('HINCRBY', prefix .. 't:' .. name, 'published', t.stored)
              if not t.grouped then
                local evicted = 0
                for p in pairs(t.touched) do
                  evicted = evicted + call('XTRIM', partition(t, p), 'MAXLEN', '=', t.retention)
                end
                if evicted > 0 then call('HINCRBY', prefix .. 't:' .. name, 'evicted', evicted) end
              end
            end
          end
        end
        local function fields(list)
          local map = {}
          for i = 1, #list, 2 do map[list[i]] = list[i + 1] end
          return map
        end
        local function watermarks(s)
          local marks = {}
          if call('EXISTS', s) == 0 then return marks end
          for _, info in ipairs(call('XINFO', 'GROUPS', s)) do
            local g = fields(info)
            local mark = seq(g['last-delivered-id'])
            if tonumber(g['pending']) > 0 then
              local first = call('XPENDING', s, g['name'])[2]
              mark = math.min(mark, seq(first) - 1)
            end
            marks[g['name']] = mark
          end
          return marks
        end
        local function trim(s)
          local lowest = nil
          for _, mark in pairs(watermarks(s)) do
            if not lowest or mark < lowest then lowest = mark end
          end
          if lowest then call('XTRIM', s, 'MINID', '0-' .. (lowest + 1)) end
          for _, t in pairs(topics) do
            for p, cached in pairs(t.streams) do if cached == s then t.lengths[p] = nil end end
          end
        end
        """

    /// `ARGV`: prefix, topic, partitions, capacity, retention. Returns 1 when created or matching (capacity
    /// and retention follow the newest declaration), 0 when the topic exists with another partition count.
    static let declare =
        library + "\n" + """
            local key = prefix .. 't:' .. ARGV[2]
            local existing = call('HGET', key, 'partitions')
            if existing and existing ~= ARGV[3] then return 0 end
            call('HSET', key, 'partitions', ARGV[3], 'capacity', ARGV[4], 'retention', ARGV[5])
            call('HSETNX', key, 'published', 0)
            call('HSETNX', key, 'evicted', 0)
            return 1
            """

    /// `ARGV`: prefix, topic, group. Creates the group on every partition at its first retained record;
    /// returns 0 for an unknown topic.
    static let declareGroup =
        library + "\n" + """
            local name, group = ARGV[2], ARGV[3]
            local t = topic(name)
            if not t then return 0 end
            call('SADD', prefix .. 'g:' .. name, group)
            for p = 0, t.partitions - 1 do
              local s = stream(name, p)
              if call('EXISTS', s) == 0 then
                call('XGROUP', 'CREATE', s, group, '0-0', 'MKSTREAM')
              elseif not watermarks(s)[group] then
                local info = fields(call('XINFO', 'STREAM', s))
                local start = info['last-generated-id']
                if info['first-entry'] then start = '0-' .. (seq(info['first-entry'][1]) - 1) end
                call('XGROUP', 'CREATE', s, group, start)
              end
            end
            return 1
            """

    /// `ARGV`: prefix, topic, past capacity (`1`/`0`), round-robin start, blocked partitions (comma-separated,
    /// with a leading and trailing comma), then per record: partition (-1 for none), key (`''` with no key
    /// flag), has key (`1`/`0`), JSON. Stores each record that fits, in order; a keyed record for a blocked or
    /// full partition is refused and blocks its partition for the rest; a keyless one takes the first
    /// partition from the round-robin position with room. Returns per record the partition it went to or -1,
    /// then the next round-robin position; `{-2}` for an unknown topic.
    static let publish =
        library + "\n" + """
            local name = ARGV[2]
            local t = topic(name)
            if not t then return {-2} end
            local past = ARGV[3] == '1'
            local rr = tonumber(ARGV[4])
            local blocked = {}
            for p in string.gmatch(ARGV[5], '(%d+)') do blocked[tonumber(p)] = true end
            local result = {}
            local i = 6
            while i <= #ARGV do
              local p, key, json = tonumber(ARGV[i]), ARGV[i + 1], ARGV[i + 3]
              if ARGV[i + 2] ~= '1' then key = false end
              local chosen = -1
              if p >= 0 then
                if not blocked[p] and (past or room(t, name, p, 1)) then chosen = p else blocked[p] = true end
              else
                for n = 0, t.partitions - 1 do
                  local q = (rr + n) % t.partitions
                  if not blocked[q] and (past or room(t, name, q, 1)) then chosen = q break end
                end
                if chosen >= 0 then rr = (chosen + 1) % t.partitions end
              end
              if chosen >= 0 then store(t, name, chosen, key, json) end
              result[#result + 1] = chosen
              i = i + 4
            end
            result[#result + 1] = rr
            finish()
            return result
            """

    /// `ARGV`: prefix, then steps, each: ack topic (`''` for none), ack group, ack partition, ack offset,
    /// checkpoint producer (`''` for none), checkpoint value, record count, then per record: topic,
    /// partition, key, has key, JSON, past capacity. Stores whole steps in order, each with its ack and
    /// checkpoint, and stops before the first one whose records do not all fit. Returns the number stored,
    /// or `{-2, topic}` for an unknown topic (nothing stored).
    static let steps =
        library + "\n" + """
            local stored = 0
            local i = 2
            while i <= #ARGV do
              local ackTopic, ackGroup, ackP, ackOffset = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
              local producer, checkpoint, count = ARGV[i + 4], ARGV[i + 5], tonumber(ARGV[i + 6])
              local first = i + 7
              -- A step sent again after its reply was lost is stored already: its producer's checkpoint
              -- (same source) is there, or its source record is no longer pending. Counted, not stored twice.
              local done = false
              if producer ~= '' then
                local current = call('HGET', prefix .. 'c', producer)
                if current then
                  local had, source = string.match(current, '^(%d+) %S+ %S+ (.*)$')
                  local now, again = string.match(checkpoint, '^(%d+) %S+ %S+ (.*)$')
                  done = source == again and tonumber(had) >= tonumber(now)
                end
              elseif ackTopic ~= '' then
                local id = '0-' .. (tonumber(ackOffset) + 1)
                done = #call('XPENDING', stream(ackTopic, ackP), ackGroup, id, id, 1) == 0
              end
              local needed = {}
              local records = count
              if done then records = 0 end
              for r = 0, records - 1 do
                local at = first + r * 6
                local name, p = ARGV[at], tonumber(ARGV[at + 1])
                local t = topic(name)
                if not t then return {-2, name} end
                if ARGV[at + 5] ~= '1' then
                  local slot = name .. '\\0' .. p
                  needed[slot] = needed[slot] or {t = t, name = name, p = p, count = 0}
                  needed[slot].count = needed[slot].count + 1
                end
              end
              for _, need in pairs(needed) do
                if not room(need.t, need.name, need.p, need.count) then
                  finish()
                  return {stored}
                end
              end
              for r = 0, records - 1 do
                local at = first + r * 6
                local key = ARGV[at + 2]
                if ARGV[at + 3] ~= '1' then key = false end
                store(topic(ARGV[at]), ARGV[at], tonumber(ARGV[at + 1]), key, ARGV[at + 4])
              end
              if ackTopic ~= '' and not done then
                local s = stream(ackTopic, ackP)
                call('XACK', s, ackGroup, '0-' .. (tonumber(ackOffset) + 1))
                call('HDEL', prefix .. 'r:' .. ackTopic .. ':' .. ackGroup, ackP .. ':' .. ackOffset)
                call('HDEL', prefix .. 'a:' .. ackTopic .. ':' .. ackGroup, ackP .. ':' .. ackOffset,
                  ackP .. ':' .. ackOffset .. ':t')
                trim(s)
              end
              if producer ~= '' and not done then call('HSET', prefix .. 'c', producer, checkpoint) end
              stored = stored + 1
              i = first + count * 6
            end
            finish()
            return {stored}
            """

    /// `ARGV`: prefix, topic, group, then partition and offset pairs. Acks them, drops their retry states and
    /// begun-attempt marks, and trims what every group has acked.
    static let ack =
        library + "\n" + """
            local name, group = ARGV[2], ARGV[3]
            local ids, fields = {}, {}
            for i = 4, #ARGV, 2 do
              local list = ids[ARGV[i]]
              if not list then list = {} ids[ARGV[i]] = list end
              list[#list + 1] = '0-' .. (tonumber(ARGV[i + 1]) + 1)
              fields[#fields + 1] = ARGV[i] .. ':' .. ARGV[i + 1]
            end
            for p, list in pairs(ids) do
              local s = stream(name, p)
              call('XACK', s, group, unpack(list))
              trim(s)
            end
            local retries = prefix .. 'r:' .. name .. ':' .. group
            if #fields > 0 and call('EXISTS', retries) == 1 then call('HDEL', retries, unpack(fields)) end
            local marks = prefix .. 'a:' .. name .. ':' .. group
            if #fields > 0 and call('EXISTS', marks) == 1 then
              call('HDEL', marks, unpack(fields))
              for n = 1, #fields do fields[n] = fields[n] .. ':t' end
              call('HDEL', marks, unpack(fields))
            end
            return 1
            """

    /// `ARGV`: prefix, topic, group, partition, offset, state. Stores the record's retry state while the group
    /// has it pending, never after its ack: a state sent again after a broken connection, or overtaken by the
    /// commit that acked its record, leaves nothing behind. An attempt concluded, so its begun marks go.
    static let retry =
        library + "\n" + """
            local name, group, p, offset = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
            if not pending(name, group, p, offset) then return 0 end
            call('HSET', prefix .. 'r:' .. name .. ':' .. group, p .. ':' .. ARGV[5], ARGV[6])
            call('HDEL', prefix .. 'a:' .. name .. ':' .. group, p .. ':' .. ARGV[5], p .. ':' .. ARGV[5] .. ':t')
            return 1
            """

    /// `ARGV`: prefix, topic, group, partition, offset, token. Marks one more attempt begun on a record taken
    /// over from the pending list, while the group has it pending; a mark sent again with the same token
    /// (after a broken connection) is counted once. Returns the marks now stored (0 when the record is no
    /// longer pending).
    static let begin =
        library + "\n" + """
            local name, group, p, offset = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
            if not pending(name, group, p, offset) then return 0 end
            local marks, field = prefix .. 'a:' .. name .. ':' .. group, p .. ':' .. ARGV[5]
            if call('HGET', marks, field .. ':t') == ARGV[6] then return tonumber(call('HGET', marks, field)) end
            call('HSET', marks, field .. ':t', ARGV[6])
            return call('HINCRBY', marks, field, 1)
            """

    /// `ARGV`: prefix, dead-letter topic, target topic, round-robin start, then per envelope: its partition,
    /// its offset, the target partition (-1 for a keyless record), key, has key (`1`/`0`), the replayed JSON.
    /// Moves each envelope in order: stores the event on the target and deletes the envelope, both or neither;
    /// an envelope no longer there is skipped; stops before the first event the target has no room for.
    /// Returns `{stopped for room (1/0), next round-robin position}`, then per envelope handled before stopping
    /// 1 (moved) or 0 (gone); `{-2}` for an unknown target.
    static let replay =
        library + "\n" + """
            local source, name = ARGV[2], ARGV[3]
            local t = topic(name)
            if not t then return {-2} end
            local rr = tonumber(ARGV[4])
            local result = {0, 0}
            for i = 5, #ARGV, 6 do
              local s = stream(source, ARGV[i])
              local id = '0-' .. (tonumber(ARGV[i + 1]) + 1)
              if #call('XRANGE', s, id, id) == 0 then
                result[#result + 1] = 0
              else
                local p, key = tonumber(ARGV[i + 2]), ARGV[i + 3]
                if ARGV[i + 4] ~= '1' then key = false end
                if p < 0 then
                  for n = 0, t.partitions - 1 do
                    local q = (rr + n) % t.partitions
                    if room(t, name, q, 1) then p = q break end
                  end
                elseif not room(t, name, p, 1) then
                  p = -1
                end
                if p < 0 then result[1] = 1 break end
                if not key then rr = (p + 1) % t.partitions end
                store(t, name, p, key, ARGV[i + 5])
                call('XDEL', s, id)
                result[#result + 1] = 1
              end
            end
            result[2] = rr
            finish()
            return result
            """

    /// `ARGV`: prefix, topic. Returns `{published, evicted, partitions, then per partition: length, end
    /// offset, then group count and per group: name, watermark per partition}`; `{-2}` for an unknown topic.
    static let stats =
        library + "\n" + """
            local name = ARGV[2]
            local t = topic(name)
            if not t then return {-2} end
            local h = call('HMGET', prefix .. 't:' .. name, 'published', 'evicted')
            local result = {tonumber(h[1]), tonumber(h[2]), t.partitions}
            local marks = {}
            for p = 0, t.partitions - 1 do
              local s = stream(name, p)
              local length, last = 0, 0
              if call('EXISTS', s) == 1 then
                length = call('XLEN', s)
                last = seq(fields(call('XINFO', 'STREAM', s))['last-generated-id'])
              end
              result[#result + 1] = length
              result[#result + 1] = last
              marks[p] = watermarks(s)
            end
            local groups = call('SMEMBERS', prefix .. 'g:' .. name)
            table.sort(groups)
            result[#result + 1] = #groups
            for _, g in ipairs(groups) do
              result[#result + 1] = g
              for p = 0, t.partitions - 1 do result[#result + 1] = marks[p][g] or 0 end
            end
            return result
            """

    /// `ARGV`: prefix, topic, group, member, lease in milliseconds, partitions, leaving (`1`/`0`), then the
    /// partitions the member still has records of in flight. Renews the member's heartbeat (or removes it when
    /// leaving), drops members whose heartbeat expired, and spreads the partitions over the live members
    /// sorted by name (partition P to member P mod N). Takes or renews the lease of each partition assigned to
    /// this member that no other member holds. A partition it holds but is no longer assigned it releases, or,
    /// while records of it are in flight, keeps (renewed, not returned) so they finish before the next owner
    /// starts. A member leaving is removed from each partition's Redis consumer group where nothing is pending
    /// for it. Returns the partitions assigned to the member whose lease it holds now.
    static let heartbeat =
        library + "\n" + """
            local name, group, member, lease, partitions = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
            local leaving = ARGV[7] == '1'
            local busy = {}
            for i = 8, #ARGV do busy[tonumber(ARGV[i])] = true end
            local key = prefix .. 'm:' .. name .. ':' .. group
            local time = call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            call('ZREMRANGEBYSCORE', key, '-inf', now)
            if leaving then call('ZREM', key, member) else call('ZADD', key, now + lease, member) end
            call('PEXPIRE', key, lease * 4)
            local live = call('ZRANGE', key, 0, -1)
            table.sort(live)
            local index = -1
            for n, m in ipairs(live) do if m == member then index = n - 1 end end
            local owned = {}
            for p = 0, partitions - 1 do
              local l = prefix .. 'l:' .. name .. ':' .. group .. ':' .. p
              local holder = call('GET', l)
              local assigned = index >= 0 and (p % #live) == index
              if assigned and (not holder or holder == member) then
                call('SET', l, member, 'PX', lease)
                owned[#owned + 1] = p
              elseif not assigned and holder == member and busy[p] then
                call('SET', l, member, 'PX', lease)
              elseif not assigned and holder == member then
                call('DEL', l)
              end
              -- A member leaving with nothing pending on a partition stops being one of its group's consumers.
              local s = stream(name, p)
              if leaving and call('EXISTS', s) == 1
                and #call('XPENDING', s, group, '-', '+', 1, member) == 0 then
                call('XGROUP', 'DELCONSUMER', s, group, member)
              end
            end
            return owned
            """

    /// `ARGV`: prefix, topic, group, consumer, count, then partitions. Reads up to `count` new entries of each
    /// partition whose lease the consumer holds, in one step with that check, so a member whose lease moved
    /// can never take a record after the new owner started. Returns `{held partitions, XREADGROUP reply}`.
    static let read =
        library + "\n" + """
            local name, group, consumer, count = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
            local held, streams, ids = {}, {}, {}
            for i = 6, #ARGV do
              if call('GET', prefix .. 'l:' .. name .. ':' .. group .. ':' .. ARGV[i]) == consumer then
                held[#held + 1] = tonumber(ARGV[i])
                streams[#streams + 1] = stream(name, ARGV[i])
                ids[#ids + 1] = '>'
              end
            end
            if #streams == 0 then return {held, false} end
            local arguments = {'XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'STREAMS'}
            for _, s in ipairs(streams) do arguments[#arguments + 1] = s end
            for _, id in ipairs(ids) do arguments[#arguments + 1] = id end
            return {held, call(unpack(arguments))}
            """

    /// `ARGV`: prefix, topic, group, consumer, partition, cursor, count. Claims the partition's pending entries
    /// (whoever held them) from `cursor` if the consumer holds its lease, in one step with that check. Returns
    /// the `XAUTOCLAIM` reply, or `false` when the lease is not the consumer's.
    static let claim =
        library + "\n" + """
            local name, group, consumer, p = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
            if call('GET', prefix .. 'l:' .. name .. ':' .. group .. ':' .. p) ~= consumer then return false end
            return call('XAUTOCLAIM', stream(name, p), group, consumer, 0, ARGV[6], 'COUNT', ARGV[7])
            """
}
