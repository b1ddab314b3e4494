"""Render: figures made visible — folium maps, Altair charts and their pictures, files for spreadsheets."""
