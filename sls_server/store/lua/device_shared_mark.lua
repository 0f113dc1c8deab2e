-- A card about to be shared with one more user: the mark on a user holding it now (lib/device_strikes.lua), on
-- the user's slot, written before the card's own record names the new user, so the step settling a right
-- answer of this user's that read the card as theirs alone sees it, and has the card asked before settling.
-- KEYS[1] the user's strikes   ARGV[1] device id   ARGV[2] the card's version the share's write replaces
-- include: device_strikes
mark_shared(KEYS[1], ARGV[1], tonumber(ARGV[2]))
return 1
