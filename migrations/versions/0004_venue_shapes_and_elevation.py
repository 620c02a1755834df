"""venues: clipped shapes, place names, slope samples and an elevation cache

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Hand-written. Columns are added to `venue` with plain ALTER TABLE ADD COLUMN, never a batch
("move and copy") alteration: on SQLite that would drop the R*Tree triggers of migration 0002.
`venue_elevation` caches ground heights from the elevation service for good.

Venues stored before this migration were measured the old way (live ones from bounding boxes)
and have no place names or slope samples: every imported extract is marked as not yet imported
(so the next `venues import` of the same file reads it again instead of skipping it) and every
Overpass tile as stale (refetched on the next lookup there; its venues are still served until then).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('venue', sa.Column('clipped', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('venue', sa.Column('place', sa.String(length=255), nullable=True))
    op.add_column('venue', sa.Column('samples', sa.JSON(), nullable=True))
    op.add_column('venue', sa.Column('slope_pct', sa.Double(), nullable=True))
    op.create_table('venue_elevation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lat', sa.Double(), nullable=False),
    sa.Column('lon', sa.Double(), nullable=False),
    sa.Column('elevation_m', sa.Double(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('lat', 'lon', name='uq_venue_elevation_point')
    )
    op.execute("UPDATE venue_extract SET mtime_ns = 0, sha256 = ''")
    op.execute("UPDATE venue_tile SET fetched_at = '2000-01-01 00:00:00'")


def downgrade():
    op.drop_table('venue_elevation')
    # Plain DROP COLUMN (SQLite 3.35+, PostgreSQL): no table rebuild, the R*Tree triggers stay.
    for column in ('slope_pct', 'samples', 'place', 'clipped'):
        op.drop_column('venue', column)
