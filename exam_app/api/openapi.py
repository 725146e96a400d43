"""The OpenAPI 3.1 document of /api/v1 (a test checks it against the URL map)."""

from __future__ import annotations

_NUM = {"type": ["number", "null"]}
_STR = {"type": "string"}
_SECTION = {
    "type": "object",
    "properties": {"title": _STR, "score": _NUM, "max": _NUM},
}
_RESULT_FIELDS = {
    "quarter": {"type": "string", "example": "2026Q4"},
    "paper": {"type": "string", "description": "试卷名称"},
    "total": _NUM,
    "max_total": _NUM,
    "passed": {"type": "boolean"},
    "sections": {"type": "array", "items": _SECTION, "description": "各部分得分"},
    "recorded_at": {"type": "string", "format": "date-time"},
}
_PERSON_FIELDS = {
    "staff_no": {"type": "string", "description": "工号"},
    "name": {"type": "string", "description": "姓名"},
    "department": {"type": ["string", "null"], "description": "部门"},
    "position": {"type": "string", "description": "岗位"},
}
_COMBINED_FIELDS = {
    "quarter": {"type": "string", "example": "2026Q4"},
    "exam": {**_NUM, "description": "考试成绩（得分率，0–100）"},
    "quality": {**_NUM, "description": "服务质量分（100 − 扣分 + 加分，0–100）"},
    "rating": {**_NUM, "description": "直属上司的定性评价（0–100）"},
    "weights": {
        "type": "object",
        "properties": {"exam": _NUM, "quality": _NUM, "rating": _NUM},
        "description": "培训负责人设定的权重（%），合计 100",
    },
    "total": {**_NUM, "description": "综合得分；有权重的部分缺失时为 null"},
    "missing": {"type": "array", "items": _STR, "description": "缺少的部分"},
}
_ERROR = {
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"error": _STR}, "required": ["error"]}
        }
    }
}


def _ok(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _object(properties: dict) -> dict:
    return {"type": "object", "properties": properties, "required": list(properties)}


def _guarded(operation: dict) -> dict:
    operation["responses"] |= {
        "401": {"description": "缺少或无效的令牌", **_ERROR},
        "403": {"description": "令牌已被吊销", **_ERROR},
    }
    return {"get": operation}


def _path_param(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": _STR,
            "description": description}  # fmt: skip


PATHS = {
    "/api/v1/quarters/{quarter}/results": _guarded(
        {
            "summary": "某季度的已公布成绩",
            "parameters": [_path_param("quarter", "季度，如 2026Q4")],
            "responses": {
                "200": _ok(
                    _object(
                        {
                            "quarter": _STR,
                            "count": {"type": "integer"},
                            "results": {
                                "type": "array",
                                "items": _object(_PERSON_FIELDS | _RESULT_FIELDS),
                            },
                        }
                    ),
                    "成绩列表",
                ),
                "404": {"description": "季度格式不对", **_ERROR},
            },
        }
    ),
    "/api/v1/quarters/{quarter}/combined": _guarded(
        {
            "summary": "某季度的综合考核：考试成绩、服务质量、定性评价及权重",
            "parameters": [_path_param("quarter", "季度，如 2026Q4")],
            "responses": {
                "200": _ok(
                    _object(
                        {
                            "quarter": _STR,
                            "count": {"type": "integer"},
                            "combined": {
                                "type": "array",
                                "items": _object(_PERSON_FIELDS | _COMBINED_FIELDS),
                            },
                        }
                    ),
                    "综合考核列表（未设权重时为空）",
                ),
                "404": {"description": "季度格式不对", **_ERROR},
            },
        }
    ),
    "/api/v1/staff/{staff_no}": _guarded(
        {
            "summary": "员工考核档案：各季度成绩",
            "parameters": [_path_param("staff_no", "工号")],
            "responses": {
                "200": _ok(
                    _object(
                        _PERSON_FIELDS
                        | {
                            "results": {"type": "array", "items": _object(_RESULT_FIELDS)},
                            "combined": {
                                "type": "array",
                                "items": _object(_COMBINED_FIELDS),
                                "description": "各季度综合考核（已设权重的季度）",
                            },
                        }
                    ),
                    "档案",
                ),
                "404": {"description": "没有这个工号", **_ERROR},
            },
        }
    ),
    "/api/v1/papers": _guarded(
        {
            "summary": "已发布和已关闭的考试试卷",
            "responses": {
                "200": _ok(
                    _object(
                        {
                            "papers": {
                                "type": "array",
                                "items": _object(
                                    {
                                        "id": {"type": "integer"},
                                        "title": _STR,
                                        "quarter": _STR,
                                        "status": {"enum": ["published", "closed"]},
                                        "full_marks": _NUM,
                                        "pass_mark": _NUM,
                                    }
                                ),
                            }
                        }
                    ),
                    "试卷列表",
                )
            },
        }
    ),
    "/api/v1/openapi.json": {
        "get": {
            "summary": "本文档（无需令牌）",
            "security": [],
            "responses": {"200": _ok({"type": "object"}, "OpenAPI 3.1 文档")},
        }
    },
}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "客服培训考试平台 · 只读接口",
            "version": "1.0.0",
            "description": "供人力资源等系统读取季度成绩、综合考核和员工考核档案。字段名为英文，内容为中文。",
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": PATHS,
    }
