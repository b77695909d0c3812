// Imported first by tests that check colors: chalk decides its color level when it is first
// loaded, and tests do not run on a terminal, so without this no escape codes would ever show.
process.env.FORCE_COLOR = "1";
