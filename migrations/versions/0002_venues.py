"""venues, their extracts and Overpass tiles, with a spatial index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Hand-written. Besides the three tables, the spatial index behind "venues within R km":

* SQLite: an R*Tree virtual table `venue_rtree(id, min_lat, max_lat, min_lon, max_lon)` kept in
  step with `venue` by three triggers, when this SQLite has the R*Tree module compiled in
  (`PRAGMA compile_options` lists ENABLE_RTREE). Without it, the B-tree index on (lat, lon)
  serves a bounding-box query. backrun.venues.query checks at runtime which one exists.
  Careful in later migrations: a batch ("move and copy") alteration of `venue` drops its
  triggers with the old table; recreate them afterwards (same DDL as below) or the app falls
  back to the bounding-box query.
* PostgreSQL: a GiST expression index on the point as a PostGIS geography when PostGIS can be
  had, else on earthdistance's `ll_to_earth(lat, lon)` (contrib, needs cube), else nothing
  beyond the (lat, lon) B-tree. Each attempt runs in a savepoint, so a missing extension or
  missing privileges only mean a slower fallback, never a failed migration.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

SQLITE_RTREE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS venue_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon)",
    """CREATE TRIGGER IF NOT EXISTS venue_rtree_insert AFTER INSERT ON venue BEGIN
         INSERT INTO venue_rtree (id, min_lat, max_lat, min_lon, max_lon)
         VALUES (new.id, new.lat, new.lat, new.lon, new.lon);
       END""",
    """CREATE TRIGGER IF NOT EXISTS venue_rtree_update AFTER UPDATE OF lat, lon ON venue BEGIN
         UPDATE venue_rtree SET min_lat = new.lat, max_lat = new.lat, min_lon = new.lon, max_lon = new.lon
         WHERE id = new.id;
       END""",
    """CREATE TRIGGER IF NOT EXISTS venue_rtree_delete AFTER DELETE ON venue BEGIN
         DELETE FROM venue_rtree WHERE id = old.id;
       END""",
    # Rows that existed before the triggers (none on a fresh install; harmless otherwise).
    """INSERT INTO venue_rtree (id, min_lat, max_lat, min_lon, max_lon)
       SELECT id, lat, lat, lon, lon FROM venue WHERE id NOT IN (SELECT id FROM venue_rtree)""",
]

POSTGRESQL_INDEXES = [
    ("postgis", [
        "CREATE EXTENSION IF NOT EXISTS postgis",
        "CREATE INDEX ix_venue_geog ON venue USING gist "
        "((CAST(ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geography)))",
    ]),
    ("earthdistance", [
        "CREATE EXTENSION IF NOT EXISTS cube",
        "CREATE EXTENSION IF NOT EXISTS earthdistance",
        "CREATE INDEX ix_venue_earth ON venue USING gist (ll_to_earth(lat, lon))",
    ]),
]


def upgrade():
    op.create_table('venue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('osm_type', sa.String(length=8), nullable=False),
    sa.Column('osm_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('lat', sa.Double(), nullable=False),
    sa.Column('lon', sa.Double(), nullable=False),
    sa.Column('area_m2', sa.Double(), nullable=True),
    sa.Column('perimeter_m', sa.Double(), nullable=True),
    sa.Column('surface', sa.String(length=255), nullable=True),
    sa.Column('lit', sa.String(length=255), nullable=True),
    sa.Column('access', sa.String(length=255), nullable=True),
    sa.Column('opening_hours', sa.String(length=255), nullable=True),
    sa.Column('fee', sa.String(length=255), nullable=True),
    sa.Column('indoor', sa.Boolean(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('last_seen', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('osm_type', 'osm_id', name='uq_venue_osm')
    )
    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.create_index('ix_venue_lat_lon', ['lat', 'lon'], unique=False)
        batch_op.create_index(batch_op.f('ix_venue_source'), ['source'], unique=False)

    op.create_table('venue_extract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('mtime_ns', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('osm_timestamp', sa.DateTime(), nullable=True),
    sa.Column('south', sa.Double(), nullable=False),
    sa.Column('west', sa.Double(), nullable=False),
    sa.Column('north', sa.Double(), nullable=False),
    sa.Column('east', sa.Double(), nullable=False),
    sa.Column('venue_count', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('area', name='uq_venue_extract_area')
    )
    op.create_table('venue_tile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('south', sa.Double(), nullable=False),
    sa.Column('west', sa.Double(), nullable=False),
    sa.Column('north', sa.Double(), nullable=False),
    sa.Column('east', sa.Double(), nullable=False),
    sa.Column('venue_count', sa.Integer(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', name='uq_venue_tile_key')
    )

    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        if _sqlite_has_rtree(bind):
            for statement in SQLITE_RTREE:
                op.execute(statement)
    elif bind.dialect.name == 'postgresql':
        _postgresql_spatial_index(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for trigger in ('venue_rtree_insert', 'venue_rtree_update', 'venue_rtree_delete'):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        if _sqlite_has_rtree(bind):
            op.execute("DROP TABLE IF EXISTS venue_rtree")
    elif bind.dialect.name == 'postgresql':
        # The extensions stay: other databases objects may use them.
        op.execute("DROP INDEX IF EXISTS ix_venue_geog")
        op.execute("DROP INDEX IF EXISTS ix_venue_earth")

    op.drop_table('venue_tile')
    op.drop_table('venue_extract')
    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venue_source'))
        batch_op.drop_index('ix_venue_lat_lon')

    op.drop_table('venue')


def _sqlite_has_rtree(bind) -> bool:
    options = {row[0] for row in bind.exec_driver_sql("PRAGMA compile_options")}
    return "ENABLE_RTREE" in options


def _postgresql_spatial_index(bind) -> None:
    for _name, statements in POSTGRESQL_INDEXES:
        try:
            with bind.begin_nested():
                for statement in statements:
                    bind.exec_driver_sql(statement)
            return
        except sa.exc.DBAPIError:
            continue  # not installed or not allowed: try the next, or keep the B-tree alone
