# Annual eindrapport across interventies; see issue 7.
