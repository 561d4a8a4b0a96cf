"""StoFlow: one catalogue, AI-written listings, published to Vinted, eBay and Etsy."""
