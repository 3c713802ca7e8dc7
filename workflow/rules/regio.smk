# Region-level rules (quintuple-aim indicators for the whole region); see issue 6.
